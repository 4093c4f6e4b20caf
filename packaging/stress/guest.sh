#!/bin/sh
# Guest side of `make stress` (run by packaging/vm/run as the workload).
# /opt/extra/params sets SECONDS_RUN and WORKERS.  Runs prov-stress under
# the harness's whole-system capture (camflowd writing W3C to the log disk)
# and writes the securityfs counters around it to /out/stress.txt.
prov=/sys/kernel/security/provenance
. /opt/extra/params
counter() { od -An -tu8 -N8 "$prov/$1" 2>/dev/null | tr -d ' '; }
{
	echo "sent_start $(counter sent)"
	echo "dropped_start $(counter dropped)"
} >>/out/stress.txt
# The recorder's priority (stress.py --recorder-nice, like Nice= in
# camflowd.service): every thread of camflowd, readers and writer.
if [ "${RECORDER_NICE:-0}" != 0 ]; then
	for pid in $(pidof camflowd); do
		for task in /proc/"$pid"/task/*; do
			renice -n "$RECORDER_NICE" -p "${task##*/}" >/dev/null ||
				echo "guest.sh: renice of camflowd thread ${task##*/} failed" >&2
		done
	done
fi
start=$(date +%s)
prov-stress --seconds "$SECONDS_RUN" --workers "$WORKERS" --dir /tmp/stress \
	>/out/prov-stress.txt 2>/out/prov-stress.err
rc=$?
end=$(date +%s)
{
	echo "sent_end $(counter sent)"
	echo "dropped_end $(counter dropped)"
	echo "workload_seconds $((end - start))"
	echo "prov_stress_rc $rc"
} >>/out/stress.txt
exit $rc
