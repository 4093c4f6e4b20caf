#!/bin/sh
# Processes, signals and IPC (Tests/e2e/test_ipc_ops.py): every operation of
# ipcops (Tests/e2e/progs/ipcops.c, passed with --bin) runs as its own
# process, once for real and once as a control that does everything but the
# call.  A failed operation is listed in /out/ipc-failed.txt.
out=/out
: >$out/ipc-failed.txt
# wait is recorded for tracked processes only (docs/graph-model.md)
camflow --track-file /usr/bin/ipcops true
for op in kill killh setuid setreuid setresuid setgid setregid setresgid \
	fork vfork clone execve exit ptrace prctl setrlimit msg shm sem mq; do
	for mode in real control; do
		ipcops "$op" "$mode" || echo "$op $mode" >>$out/ipc-failed.txt
	done
done
# the control of "exit" leaves its child to init: let it be reaped
sleep 1
echo done >$out/ipc-done.txt
