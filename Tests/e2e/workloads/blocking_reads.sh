#!/bin/sh
# Reads that wait for their data (Tests/e2e/test_blocking_reads.py),
# whole-system capture.  For each channel readops (Tests/e2e/progs/readops.c,
# copied to /usr/bin by --bin) starts a reader and a writer that are
# siblings: "real" while the reader is blocked in its one read, "control"
# with the data already there.  A failed run or a reader that did not get
# the writer's data is listed in /out/reads-failed.txt (a run that hangs is
# stopped after 60 s).
out=/out
dir=/tmp/reads
mkdir -p $dir
: >$out/reads-failed.txt
for channel in pipe pipe_aio pipe_uring fifo unix_stream unix_dgram tcp; do
	for mode in real control; do
		echo "input of $channel $mode $$" >$dir/in-$channel-$mode
		echo "late input of $channel $mode $$" >$dir/late-$channel-$mode
		echo "reads: $channel $mode" >/dev/console
		timeout 60 readops $channel $mode $dir &&
			cmp $dir/in-$channel-$mode $dir/out-$channel-$mode ||
			echo "$channel $mode" >>$out/reads-failed.txt
	done
done
echo done >$out/reads-done.txt
