#!/bin/sh
# Two guests (Tests/e2e/test_net_label.py), the peer 10.0.9.2: labels on
# (when the LSM is there); receives netops' TCP and UDP files, then one
# TCP connection on 7700 and one on 7701 (net_label_send.sh).
set -ex
P=/sys/kernel/security/provenance
mkdir -p /tmp/pair
if [ -e $P/label ]; then
	echo 1 >$P/label
	od -An -tu4 $P/boot_id | tr -d ' ' >/out/boot_id.txt
fi
netops recv /tmp/pair/tcp.out /tmp/pair/udp.out
nc -l -p 7700 >/tmp/pair/tracked.out
md5sum </tmp/pair/tracked.out >/out/tracked.md5
nc -l -p 7701 >/out/opts.out
cp /tmp/pair/tcp.out /tmp/pair/udp.out /out/
[ ! -e $P/label_stats ] || cat $P/label_stats >/out/label_stats.txt
