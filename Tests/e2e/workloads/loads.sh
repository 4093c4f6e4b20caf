#!/bin/sh
# Kernel loads and administration hooks (Tests/e2e/test_loads.py): every
# operation of loadops (Tests/e2e/progs/loadops.c, passed with --bin) runs as
# its own process, once for real and once as a control that does everything
# but the call.  A failed operation is listed in /out/loads-failed.txt.
out=/out
: >$out/loads-failed.txt
camflow --track-file /usr/bin/loadops true
for op in finit init kexec firmware pivot traceme setprio bpf; do
	for mode in real control; do
		loadops "$op" "$mode" || echo "$op $mode" >>$out/loads-failed.txt
	done
done
echo done >$out/loads-done.txt
