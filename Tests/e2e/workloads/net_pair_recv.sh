#!/bin/sh
# Two guests (Tests/e2e/test_net_pair.py), the peer 10.0.9.2: receives a
# file over TCP and one over UDP from 10.0.9.1 (net_pair_send.sh).
set -ex
mkdir -p /tmp/pair
netops recv /tmp/pair/tcp.out /tmp/pair/udp.out
cp /tmp/pair/tcp.out /tmp/pair/udp.out /out/
