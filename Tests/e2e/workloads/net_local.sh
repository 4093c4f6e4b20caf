#!/bin/sh
# Sockets in one guest (Tests/e2e/test_net_local.py), whole-system capture.
# Each socket operation of netops (Tests/e2e/progs/netops.c, copied to
# /usr/bin by --bin) runs once for real and once as a control that moves
# the same file without sockets.  Then tcp sockets matched by the ipv4
# egress list in record and in track mode, a reverse shell over loopback
# (busybox nc -e /bin/sh fed by another nc reading a command file), and
# robustness runs: connection refused, reset, fragments (lo MTU 1280) and a
# UDP flood while capture is switched off and on.
set -ex
prov=/sys/kernel/security/provenance
mkdir -p /tmp/net
for op in unix_stream unix_early unix_dgram socketpair abstract tcp udp tcp6; do
	echo "data-$op-$$" >/tmp/net/$op.in
	netops $op real
	netops $op control
	cmp /tmp/net/$op.in /tmp/net/$op-real.out
	cmp /tmp/net/$op.in /tmp/net/$op-control.out
done

# ipv4 egress list: record mode captures what the socket sends (content
# bounded at PROV_PACKET_CONTENT_MAX), track mode only the packets.  The
# input is longer than the bound, so the recorded content is cut.
camflow --track-ipv4-egress 127.0.0.1/32:7410 record
camflow --track-ipv4-egress 127.0.0.1/32:7411 track
for op in tcp_record tcp_track; do
	{ echo "marker-$op-$$"; head -c 3000 /dev/zero | tr '\0' x; } >/tmp/net/$op.in
	netops $op real
	cmp /tmp/net/$op.in /tmp/net/$op-real.out
done
camflow --track-ipv4-egress 127.0.0.1/32:7410 delete
camflow --track-ipv4-egress 127.0.0.1/32:7411 delete

# Reverse shell: the commands come from a file, through two sockets, to sh.
printf 'echo owned-by-the-shell >/tmp/net/shell.out\nexit\n' >/tmp/net/commands.txt
nc -l -p 7500 -e /bin/sh &
server=$!
sleep 1
nc 127.0.0.1 7500 </tmp/net/commands.txt
wait "$server"
grep -q owned-by-the-shell /tmp/net/shell.out

# Robustness: nothing may warn or oops; drops are counted.
netops refused real
netops reset real
ip link set lo mtu 1280
netops fragments real
ip link set lo mtu 65536
(for i in 1 2 3 4 5 6 7 8 9 10; do
	echo 0 >$prov/enable; echo 1 >$prov/enable
done) &
toggler=$!
netops flood real >/out/flood.txt
wait "$toggler"
cat $prov/enable >/out/enable-after.txt
