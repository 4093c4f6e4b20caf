#!/bin/sh
# Two guests (Tests/e2e/test_net_pair.py), the --script guest 10.0.9.1 and
# fd00:9::1: sends a file over TCP and another over UDP to the peer, then a
# third over TCP on IPv6 (net_pair_recv.sh).
set -ex
echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
ip addr add fd00:9::1/64 dev eth0
mkdir -p /tmp/pair
echo "tcp-from-10.0.9.1-$$" >/tmp/pair/tcp.in
echo "udp-from-10.0.9.1-$$" >/tmp/pair/udp.in
echo "tcp6-from-fd00:9::1-$$" >/tmp/pair/tcp6.in
netops send 10.0.9.2 /tmp/pair/tcp.in /tmp/pair/udp.in
netops send6 fd00:9::2 /tmp/pair/tcp6.in
cp /tmp/pair/tcp.in /tmp/pair/udp.in /tmp/pair/tcp6.in /out/
