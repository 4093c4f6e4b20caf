# Policy controls through camflow-cli style calls (`camflow --flag ...`) on
# the real kernel, with all=false.  Every scenario uses its own files.
set -e
out=/out
camflow -p > $out/hash-before

# 1. a tracked program (a copy of busybox) with propagation: its flows and
#    its children's flows are recorded, the same work by others is not.
mkdir -p /opt/t && cp /bin/busybox /opt/t/busybox
echo "tracked input" > /tmp/t-in
echo "untracked input" > /tmp/u-in
camflow --track-file /opt/t/busybox propagate
/opt/t/busybox sh -c 'cat /tmp/t-in > /tmp/t-out; /bin/echo child > /tmp/t-child'
cat /tmp/u-in > /tmp/u-out

# 2. propagation through a pipe and through a file: the tracked program
#    writes into a pipe read by an untracked sed, and into a file read later
#    by an untracked cat; both then write files that must be recorded.
/opt/t/busybox echo "via pipe" | sed 's/pipe/PIPE/' > /tmp/p-out
/opt/t/busybox sh -c 'echo "via file" > /tmp/f-mid'
cat /tmp/f-mid > /tmp/f-out

# 3. an opaque file never appears, even when a tracked process reads it.
echo "secret" > /tmp/secret
camflow --opaque-file /tmp/secret true
/opt/t/busybox cat /tmp/secret > /tmp/s-out

# 4. a taint label on a file reaches a file written downstream.
echo "tainted" > /tmp/taint-in
camflow --track-file /tmp/taint-in propagate
camflow --taint-file /tmp/taint-in 5
cat /tmp/taint-in > /tmp/taint-out

# 5. a tracked user's processes are recorded, root's are not.
echo "user data" > /tmp/user-in
chmod 644 /tmp/user-in
su -s /bin/sh user -c 'cat /tmp/user-in > /tmp/user-out'
cat /tmp/user-in > /tmp/root-out

# 6. state as the CLI shows it, and the policy hash before and after a change
camflow --file /tmp/taint-in > $out/file-state
camflow -s > $out/state
camflow -c > $out/exported.ini
rc=0; camflow configure --check --file $out/exported.ini > $out/reimport.txt 2>&1 || rc=$?
echo $rc > $out/reimport.status
camflow -p > $out/hash-after
camflow --node-filter iattr true
camflow -p > $out/hash-changed
camflow --node-filter iattr false
camflow -p > $out/hash-restored
sleep 1
