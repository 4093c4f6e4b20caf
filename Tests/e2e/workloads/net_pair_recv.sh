#!/bin/sh
# Two guests (Tests/e2e/test_net_pair.py), the peer 10.0.9.2 and fd00:9::2:
# receives a file over TCP and one over UDP from 10.0.9.1, then one over
# TCP on IPv6 from fd00:9::1 (net_pair_send.sh).
set -ex
echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
ip addr add fd00:9::2/64 dev eth0
mkdir -p /tmp/pair
netops recv /tmp/pair/tcp.out /tmp/pair/udp.out
netops recv6 /tmp/pair/tcp6.out
cp /tmp/pair/tcp.out /tmp/pair/udp.out /tmp/pair/tcp6.out /out/
