#!/bin/sh
# Two guests (Tests/e2e/test_net_pair.py), the --script guest 10.0.9.1:
# sends a file over TCP and another over UDP to the peer (net_pair_recv.sh).
set -ex
mkdir -p /tmp/pair
echo "tcp-from-10.0.9.1-$$" >/tmp/pair/tcp.in
echo "udp-from-10.0.9.1-$$" >/tmp/pair/udp.in
netops send 10.0.9.2 /tmp/pair/tcp.in /tmp/pair/udp.in
cp /tmp/pair/tcp.in /tmp/pair/udp.in /out/
