#!/bin/sh
# Workload of Tests/e2e/test_boot_buffer.py: waits (at most 240 s) for the
# kernel to finish replaying the boot buffer, and for the late load
# of boot-setup.sh (LATE_SCALE) if there is one, then writes the counters.
prov=/sys/kernel/security/provenance
counter() { od -An -tu8 -N8 "$prov/$1" 2>/dev/null | tr -d ' '; }
. /opt/extra/params
i=0
while ! dmesg | grep -q 'boot buffer replayed' && [ $i -lt 240 ]; do
	sleep 1
	i=$((i + 1))
done
late=""
if [ -n "${LATE_SCALE:-}" ]; then
	j=0
	while [ ! -e /tmp/late-done ] && [ $j -lt 300 ]; do
		sleep 1
		j=$((j + 1))
	done
	late=$(cat /tmp/late-done 2>/dev/null || echo missing)
	printf 1 >"$prov/flush"
fi
{
	echo "replay_wait_seconds $i"
	[ -z "$late" ] || echo "late_status $late"
	echo "sent $(counter sent)"
	echo "dropped $(counter dropped)"
} >/out/boot-buffer.txt
dmesg | grep 'boot buffer replayed' >>/out/boot-buffer.txt
