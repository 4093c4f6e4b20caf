# File and descriptor operations, one process each, real and control
# (Tests/e2e/test_fs_ops.py; the program is Tests/e2e/progs/fsops.c).
set -e
for op in creat open open_wronly open_rdwr openat read pread write pwrite \
	dup dup2 dup3 fcntl_dupfd dup_wronly close close_pipe close_rdonly link linkat symlink symlinkat \
	mknod mknodat rename renameat chmod fchmod fchmodat chown fchown \
	fchownat truncate ftruncate pipe pipe2 tee splice_file_pipe \
	splice_pipe_file splice_pipe_pipe vmsplice sendfile sendfile_file \
	copy_file_range setxattr getxattr listxattr removexattr flock \
	fcntl_lock fcntl ioctl ioctl_read scm_rights shared_map \
	mapped_then_mmap mapped_then_write writer_mapped_then_read \
	writer_unmapped_then_read writer_exited_then_read anon_shared \
	reverse_shell mount; do
	for mode in real ctl; do
		/usr/bin/fsops "$op" "$mode"
	done
done
# busybox cat sends the file into the pipe with sendfile.  tr starts reading
# once cat is done: a read hook runs before the read blocks, so a read that
# waits for the data is recorded from the pipe version before it.
mkdir -p /tmp/fs/pipeline
echo "lower case text" > /tmp/fs/pipeline/in.txt
/bin/cat /tmp/fs/pipeline/in.txt | { sleep 1; /bin/tr a-z A-Z; } > /tmp/fs/pipeline/out.txt
cat /tmp/fs/pipeline/out.txt
# a shell that wrote a file with `>` must not derive from it
echo x > /tmp/fs/pipeline/redirected.txt
/bin/true
echo "fs ops done"
