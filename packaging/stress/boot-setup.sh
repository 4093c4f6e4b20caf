#!/bin/sh
# Setup script of Tests/e2e/test_boot_buffer.py (packaging/vm/run
# --setup-script): runs before camconfd writes relay_conf, so every record
# of this workload waits in the kernel's boot buffer.
# /opt/extra/params: OPS and WORKERS of that workload; with LATE_SCALE, a
# background job waits for camflowd to read, puts it at nice 19 and runs
# prov-bench's pipe and UNIX round trips at that scale while the boot
# buffer is still replayed: on one vCPU (the test's --smp 1) they leave
# the recorder almost no CPU unless they wait.  It writes
# /out/late-start.txt ("during" or "after" the replay) and /tmp/late-done
# (the load's exit status).
. /opt/extra/params
prov-stress --seconds 50 --ops "$OPS" --workers "$WORKERS" --dir /tmp/boot-stress \
	>/out/boot-stress.txt 2>/out/boot-stress.err
[ -n "${LATE_SCALE:-}" ] || exit 0
(
	# camflowd reading (its first line), then 0.1 s for its first reads:
	# until the reader has read, nobody waits for it
	i=0
	until grep -q recording /out/camflowd.log 2>/dev/null; do
		[ $i -lt 6000 ] || { echo timeout >/tmp/late-done; exit 1; }
		sleep 0.02
		i=$((i + 1))
	done
	sleep 0.1
	pid=$(pidof camflowd) || { echo "no camflowd" >/tmp/late-done; exit 1; }
	for task in /proc/"$pid"/task/*; do
		renice -n 19 -p "${task##*/}" >/dev/null || { echo renice >/tmp/late-done; exit 1; }
	done
	if dmesg | grep -q 'boot buffer replayed'; then
		echo after >/out/late-start.txt
	else
		echo during >/out/late-start.txt
	fi
	prov-bench --scale "$LATE_SCALE" --dir /tmp/late-stress pipe unix \
		>/out/late-stress.txt 2>/out/late-stress.err
	echo $? >/tmp/late-done
) &
exit 0
