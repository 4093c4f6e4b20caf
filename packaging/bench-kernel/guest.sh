#!/bin/sh
# Guest side of `make bench-kernel` (run by packaging/vm/run as the
# workload).  /opt/extra/modes lists the modes to run, in order, one a
# line; /opt/extra/scale the iteration scale.  Each mode sets the capture
# policy through securityfs, runs prov-bench and appends its lines,
# prefixed with the mode, to /out/bench.txt.  /opt/extra/drain: the boot
# has no recorder (vm/run --no-recorder) and prov-drain reads the relay
# files from the start (mode "kernel").
prov=/sys/kernel/security/provenance
scale=$(cat /opt/extra/scale 2>/dev/null || echo 1)
drain=""
if [ -e /opt/extra/drain ]; then
	prov-drain 2>/out/drain.txt &
	drain=$!
fi
set_policy() {
	printf '%s' "$1" >"$prov/enable" && printf '%s' "$2" >"$prov/all"
}
# The number of live tracked objects (securityfs gate, second word).
tracked_objects() {
	od -An -tu8 -j8 -N8 "$prov/gate" 2>/dev/null | tr -d ' '
}
# Warm-up, not reported: the first loops of a boot pay for cold caches,
# slabs that grow, the first TCP connection's route and the recorder
# catching up with the boot's records; run every operation once at a
# tenth of the scale so that no mode (the baseline boot has only one)
# pays for them.
prov-bench --scale 0.1 --dir /tmp/prov-bench-warm >/dev/null || exit 1
rm -rf /tmp/prov-bench-warm
[ -d "$prov" ] && printf 1 >"$prov/flush" 2>/dev/null
sleep 1
while read -r mode; do
	track=""
	case "$mode" in
	baseline) ;;
	off) set_policy 0 0 || exit 1 ;;
	untracked) set_policy 1 0 || exit 1 ;;
	tracked) set_policy 1 0 || exit 1; track=--track ;;
	whole) set_policy 1 1 || exit 1 ;;
	kernel)
		[ -n "$drain" ] && kill -0 "$drain" || {
			echo "guest.sh: mode kernel needs prov-drain (/opt/extra/drain)" >&2
			exit 2
		}
		set_policy 1 1 || exit 1 ;;
	*) echo "guest.sh: unknown mode '$mode'" >&2; exit 2 ;;
	esac
	# Nothing tracked must mean a closed gate: objects a tracked mode left
	# (its files, its exited children) are freed shortly after it ends.
	before="" after=""
	if [ "$mode" = off ] || [ "$mode" = untracked ]; then
		i=0
		while [ "$(tracked_objects)" != 0 ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		before=$(tracked_objects)
	fi
	prov-bench $track --scale "$scale" --dir /tmp/prov-bench >/tmp/bench.part || exit 1
	[ -z "$before" ] || after=$(tracked_objects)
	[ -z "$before" ] || echo "$mode $before $after" >>/out/gate.txt
	sed "s/^/$mode /" /tmp/bench.part >>/out/bench.txt
	# the tracked mode tracks the files it opens: remove them, so that
	# nothing stays tracked in the modes that follow
	rm -rf /tmp/prov-bench
	# let the recorder catch up before the next mode
	[ -d "$prov" ] && printf 1 >"$prov/flush" 2>/dev/null
	sleep 1
done </opt/extra/modes
# whole-system capture back on for the rest of the boot
[ -d "$prov" ] && set_policy 1 1
if [ -n "$drain" ]; then
	kill "$drain" && wait "$drain" || exit 1
fi
exit 0
