#!/bin/sh
# Graph economy workload (Tests/e2e/test_economy.py), run the same way with
# the economy on and off: files read through a path walk, copied, piped,
# sent over loopback TCP and UNIX sockets, by programs with names of their own (copies of
# busybox under /tmp/eco/bin), then prov-bench counts the kernel records
# per stat and per open+close.
set -ex
prov=/sys/kernel/security/provenance
cat "$prov/economy" >/out/economy.txt
mkdir -p /tmp/eco/bin /tmp/eco/d1/d2
for p in cat tr sed wc nc sort; do cp /bin/busybox /tmp/eco/bin/$p; done
printf 'alpha\nbeta\n' >/tmp/eco/d1/d2/in.txt
printf 'gamma\n' >/tmp/eco/d1/other.txt
/tmp/eco/bin/cat /tmp/eco/d1/d2/in.txt >/tmp/eco/copy.txt
# The pipeline's output file exists before it runs: otherwise tr creating it
# in /tmp/eco races with cat's path walk through /tmp/eco, and whether cat
# derives from that new directory version changes from run to run.
: >/tmp/eco/upper.txt
/tmp/eco/bin/cat /tmp/eco/d1/d2/in.txt /tmp/eco/d1/other.txt | /tmp/eco/bin/tr a-z A-Z >/tmp/eco/upper.txt
/tmp/eco/bin/sed s/A/a/ /tmp/eco/upper.txt >/tmp/eco/sed.txt
/tmp/eco/bin/wc -l </tmp/eco/copy.txt >/tmp/eco/count.txt
/tmp/eco/bin/sort /tmp/eco/sed.txt /tmp/eco/count.txt >/tmp/eco/sorted.txt
# the same reads repeated (the economy's repeated-read path), then the file
# changes under the reader, which must record reading the new version
printf 'old\n' >/tmp/eco/flip.txt
printf 'secret\n' >/tmp/eco/d1/secret.txt
reread /tmp/eco/flip.txt /tmp/eco/reread.txt &
reader=$!
sleep 1
/tmp/eco/bin/cat /tmp/eco/d1/secret.txt >/tmp/eco/flip.txt
wait "$reader"
grep -q secret /tmp/eco/reread.txt
# loopback TCP: the received file derives from what the client read
/tmp/eco/bin/nc -l -p 5555 >/tmp/eco/net.txt &
server=$!
sleep 1
/tmp/eco/bin/nc -w 2 127.0.0.1 5555 </tmp/eco/sorted.txt
wait "$server"
grep -q GaMMA /tmp/eco/net.txt
# UNIX sockets (netops, Tests/e2e/progs/netops.c): a stream after accept
# (send_unix, the receive_unix that repeats it is left out), one before
# accept (receive_unix) and a socketpair written with write(2)
mkdir -p /tmp/net
for op in unix_stream unix_early socketpair; do
	echo "data-$op" >/tmp/net/$op.in
	netops $op real
	cmp /tmp/net/$op.in /tmp/net/$op-real.out
done
# kernel records per operation (securityfs "sent" around each loop)
prov-bench --scale 0.05 --dir /tmp/eco-bench stat open+close fstat unix tcp >/out/records.txt
