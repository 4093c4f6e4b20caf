#!/bin/sh
# Two guests (Tests/e2e/test_net_label.py), the --script guest 10.0.9.1:
# labels on (when the LSM is there), then
#   1. netops send: a file over TCP (7601) and one over UDP (7602);
#   2. a tracked nc sends a line and 512 KiB over TCP (7700), retrying
#      until the peer listens (full-size segments have no room for a label
#      under DF: sent unlabelled and counted as skipped);
#   3. labelops sets its own IP_OPTIONS on a TCP socket and sends a line
#      to 7701 (its packets keep the application's options, unlabelled),
#      then prints what getsockopt(IP_OPTIONS) returns.
# With all=0 (net_label_wire.ini) only step 2's process is tracked.
set -ex
P=/sys/kernel/security/provenance
mkdir -p /tmp/pair
if [ -e $P/label ]; then
	echo 1 >$P/label
	cat $P/label >/out/label.value
	od -An -tu4 $P/boot_id | tr -d ' ' >/out/boot_id.txt
fi
echo "tcp-label-from-10.0.9.1" >/tmp/pair/tcp.in
echo "udp-label-from-10.0.9.1" >/tmp/pair/udp.in
netops send 10.0.9.2 /tmp/pair/tcp.in /tmp/pair/udp.in
echo "tracked-from-10.0.9.1" >/tmp/pair/tracked.in
dd if=/dev/urandom of=/tmp/pair/bulk bs=1024 count=512 2>/dev/null
cat /tmp/pair/bulk >>/tmp/pair/tracked.in
[ ! -e $P/label ] || camflow --track-file /tmp/pair/tracked.in propagate
ok=0
for i in $(seq 1 60); do
	if nc -w 3 10.0.9.2 7700 </tmp/pair/tracked.in; then ok=1; break; fi
	sleep 1
done
[ "$ok" = 1 ]
md5sum </tmp/pair/tracked.in >/out/tracked.md5
echo "options-from-10.0.9.1" >/tmp/pair/opts.in
labelops ipopts 10.0.9.2 7701 /tmp/pair/opts.in >/out/ipopts.txt
cp /tmp/pair/opts.in /out/
cp /tmp/pair/tcp.in /tmp/pair/udp.in /out/
[ ! -e $P/label_stats ] || cat $P/label_stats >/out/label_stats.txt
