/*
 * fsops OP real|ctl: one file or descriptor operation, in its own process,
 * for Tests/e2e/test_fs_ops.py.  "real" makes the call; "ctl" (the control)
 * does everything else (same set-up, same files) but not the call, so the
 * graph difference is the call's trace.  Prints "PID op mode role pid" for
 * every process taking part, so the test can split the graph per process.
 * Files live under /tmp/fs/OP-MODE/.  Exits non-zero when a step fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/fs.h>
#include <unistd.h>

static const char *op;
static int real;
static char dir[256];

static void die(const char *what)
{
	fprintf(stderr, "fsops %s %s: %s: %s\n", op, real ? "real" : "ctl", what,
		strerror(errno));
	exit(1);
}

#define CHECK(x) do { if ((x) < 0) die(#x); } while (0)

static const char *p(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void announce(const char *role)
{
	printf("PID %s %s %s %d\n", op, real ? "real" : "ctl", role, getpid());
	fflush(stdout);
}

/* Set-up before the announcement: an existing file with content. */
static void make_file(const char *name, const char *content)
{
	int fd = open(p(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd);
	CHECK(write(fd, content, strlen(content)));
	CHECK(close(fd));
}

static void wait_child(pid_t pid)
{
	int status;

	CHECK(waitpid(pid, &status, 0));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("child failed");
}

static int open_in(void)
{
	int fd = open(p("in"), O_RDONLY);

	CHECK(fd);
	return fd;
}

static void scm_rights(void)
{
	int sv[2], fd;
	char byte = 'x', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	pid_t pid;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	CHECK(pid);
	if (pid == 0) {
		announce("sender");
		fd = open_in();
		if (real) {
			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof(cbuf);
			cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
		CHECK(sendmsg(sv[1], &msg, 0));
		_exit(0);
	}
	announce("receiver");
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	CHECK(recvmsg(sv[0], &msg, 0));
	wait_child(pid);
	cm = CMSG_FIRSTHDR(&msg);
	if (real && (!cm || cm->cmsg_type != SCM_RIGHTS))
		die("no descriptor received");
}

/* The writer writes through its map, then the reader maps and reads. */
static void shared_map(void)
{
	int flags = real ? MAP_SHARED : MAP_PRIVATE;
	int fd, go[2];
	pid_t pid;
	char *m, c;

	make_file("map", "aaaaaaaa");
	CHECK(pipe(go));
	pid = fork();
	CHECK(pid);
	if (pid == 0) {
		announce("writer");
		fd = open(p("map"), O_RDWR);
		CHECK(fd);
		m = mmap(NULL, 8, PROT_READ | PROT_WRITE, flags, fd, 0);
		if (m == MAP_FAILED)
			die("mmap writer");
		memcpy(m, "secret!!", 8);
		CHECK(msync(m, 8, MS_SYNC));
		CHECK(write(go[1], "g", 1));
		_exit(0);
	}
	CHECK(read(go[0], &c, 1));
	wait_child(pid);
	pid = fork();
	CHECK(pid);
	if (pid == 0) {
		announce("reader");
		fd = open(p("map"), O_RDONLY);
		CHECK(fd);
		m = mmap(NULL, 8, PROT_READ, flags, fd, 0);
		if (m == MAP_FAILED)
			die("mmap reader");
		if (real && memcmp(m, "secret!!", 8))
			die("reader did not see the write");
		_exit(0);
	}
	wait_child(pid);
}

/*
 * The mapping operations: the writer's shared map of "map", writable in
 * the real run, read-only in the control (which so cannot write it).
 */
static char *map_for_writer(void)
{
	int fd = open(p("map"), real ? O_RDWR : O_RDONLY);
	char *m;

	CHECK(fd);
	m = mmap(NULL, 8, real ? PROT_READ | PROT_WRITE : PROT_READ,
		 MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("mmap writer");
	CHECK(close(fd));
	return m;
}

/* The mapping operations: read "secret" into @secret (8 bytes). */
static void read_secret(char *secret)
{
	int fd = open(p("secret"), O_RDONLY);

	CHECK(fd);
	if (read(fd, secret, 8) != 8)
		die("read secret");
	CHECK(close(fd));
}

/* The mapping operations: check what the reader saw, copy it into "out". */
static void copy_out(const char *seen)
{
	int fd;

	if (real && memcmp(seen, "secret!!", 8))
		die("the reader did not see the write");
	fd = open(p("out"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd);
	CHECK(write(fd, seen, 8));
	CHECK(close(fd));
}

/*
 * The reader maps the file first and waits; then a sibling reads a secret
 * and writes it into the file, through its own shared writable map
 * (mapped_then_mmap) or with pwrite (mapped_then_write); the reader copies
 * what its map shows into "out".  The control's writer reads the secret
 * but does not write it.
 */
static void mapped_then_written(int through_map)
{
	int fd, ready[2], go[2];
	char secret[8], seen[8], c;
	pid_t reader, writer;
	char *m;

	make_file("map", "aaaaaaaa");
	make_file("secret", "secret!!");
	CHECK(pipe(ready));
	CHECK(pipe(go));
	reader = fork();
	CHECK(reader);
	if (reader == 0) {
		announce("reader");
		fd = open(p("map"), O_RDONLY);
		CHECK(fd);
		m = mmap(NULL, 8, PROT_READ, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			die("mmap reader");
		CHECK(write(ready[1], "r", 1));
		CHECK(read(go[0], &c, 1));
		memcpy(seen, m, 8);
		copy_out(seen);
		_exit(0);
	}
	CHECK(read(ready[0], &c, 1));
	writer = fork();
	CHECK(writer);
	if (writer == 0) {
		announce("writer");
		read_secret(secret);
		fd = open(p("map"), O_RDWR);
		CHECK(fd);
		if (real && through_map) {
			m = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED,
				 fd, 0);
			if (m == MAP_FAILED)
				die("mmap writer");
			memcpy(m, secret, 8);
			CHECK(msync(m, 8, MS_SYNC));
		} else if (real && pwrite(fd, secret, 8, 0) != 8) {
			die("pwrite");
		}
		_exit(0);
	}
	wait_child(writer);
	CHECK(write(go[1], "g", 1));
	wait_child(reader);
}

/*
 * The writer maps the file shared and writable and says so, then reads a
 * secret, copies it into its map and stays mapped; a sibling then read(2)s
 * the file (until it sees the secret) and copies what it got into "out".
 * Nothing the writer sends after it read the secret reaches the parent or
 * the reader (the parent waits a second instead): only the map can carry
 * it.  The control's writer maps the file read-only (and so cannot copy
 * the secret).
 */
static void writer_mapped_then_read(void)
{
	int fd, tries, ready[2], go[2];
	char secret[8], seen[8], c;
	pid_t reader, writer;
	char *m;

	make_file("map", "aaaaaaaa");
	make_file("secret", "secret!!");
	CHECK(pipe(ready));
	CHECK(pipe(go));
	writer = fork();
	CHECK(writer);
	if (writer == 0) {
		announce("writer");
		m = map_for_writer();
		CHECK(write(ready[1], "r", 1));
		read_secret(secret);
		if (real)
			memcpy(m, secret, 8);
		CHECK(read(go[0], &c, 1));
		_exit(0);
	}
	CHECK(read(ready[0], &c, 1));
	sleep(1);
	reader = fork();
	CHECK(reader);
	if (reader == 0) {
		announce("reader");
		fd = open(p("map"), O_RDONLY);
		CHECK(fd);
		for (tries = 0; tries < 50; tries++) {
			if (pread(fd, seen, 8, 0) != 8)
				die("read map");
			if (!real || !memcmp(seen, "secret!!", 8))
				break;
			usleep(100000);
		}
		copy_out(seen);
		_exit(0);
	}
	wait_child(reader);
	CHECK(write(go[1], "g", 1));
	wait_child(writer);
}

/*
 * The writer maps the file shared and writable, then reads a secret, copies
 * it into its map and unmaps it (@unmap) or just exits; only then does a
 * sibling read(2) the file and copy what it got into "out".  The control's
 * writer maps the file read-only (and so cannot copy the secret).
 */
static void writer_mapped_then_gone(int unmap)
{
	char secret[8], seen[8];
	pid_t reader, writer;
	int fd;
	char *m;

	make_file("map", "aaaaaaaa");
	make_file("secret", "secret!!");
	writer = fork();
	CHECK(writer);
	if (writer == 0) {
		announce("writer");
		m = map_for_writer();
		read_secret(secret);
		if (real)
			memcpy(m, secret, 8);
		if (unmap)
			CHECK(munmap(m, 8));
		_exit(0);
	}
	wait_child(writer);
	reader = fork();
	CHECK(reader);
	if (reader == 0) {
		announce("reader");
		fd = open(p("map"), O_RDONLY);
		CHECK(fd);
		if (read(fd, seen, 8) != 8)
			die("read map");
		copy_out(seen);
		_exit(0);
	}
	wait_child(reader);
}

/*
 * Anonymous shared memory across fork: the child reads a secret, copies it
 * into the shared pages and exits; the parent then copies what the pages
 * hold into "out".  The control's pages are private.
 */
static void anon_shared(void)
{
	char secret[8];
	pid_t writer;
	char *m;

	make_file("secret", "secret!!");
	m = mmap(NULL, 8, PROT_READ | PROT_WRITE,
		 (real ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap anonymous");
	memset(m, 'a', 8);
	writer = fork();
	CHECK(writer);
	if (writer == 0) {
		announce("writer");
		read_secret(secret);
		memcpy(m, secret, 8);
		_exit(0);
	}
	wait_child(writer);
	announce("reader");
	copy_out(m);
}

/* socketpair, dup2 onto 0..2, exec of a shell that writes a file. */
static void reverse_shell(void)
{
	int sv[2];
	pid_t pid;
	char cmd[600];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	snprintf(cmd, sizeof(cmd), "echo pwned > %s", p("loot"));
	pid = fork();
	CHECK(pid);
	if (pid == 0) {
		announce("shell");
		if (real) {
			CHECK(dup2(sv[1], 0));
			CHECK(dup2(sv[1], 1));
			CHECK(dup2(sv[1], 2));
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		die("exec");
	}
	wait_child(pid);
}

int main(int argc, char **argv)
{
	char buf[64];
	int fd, fd2, pa[2], pb[2];
	loff_t off = 0;
	struct iovec iov = { .iov_base = "vmsplice", .iov_len = 8 };
	pid_t pid;

	if (argc != 3 || (strcmp(argv[2], "real") && strcmp(argv[2], "ctl"))) {
		fprintf(stderr, "usage: fsops OP real|ctl\n");
		return 2;
	}
	op = argv[1];
	real = !strcmp(argv[2], "real");
	snprintf(dir, sizeof(dir), "/tmp/fs/%s-%s", op, argv[2]);
	mkdir("/tmp/fs", 0755);
	CHECK(mkdir(dir, 0755));
	make_file("in", "abcdefgh");

	if (!strcmp(op, "scm_rights")) {
		scm_rights();
		return 0;
	}
	if (!strcmp(op, "shared_map")) {
		shared_map();
		return 0;
	}
	if (!strcmp(op, "mapped_then_mmap") || !strcmp(op, "mapped_then_write")) {
		mapped_then_written(!strcmp(op, "mapped_then_mmap"));
		return 0;
	}
	if (!strcmp(op, "writer_mapped_then_read")) {
		writer_mapped_then_read();
		return 0;
	}
	if (!strcmp(op, "writer_unmapped_then_read") ||
	    !strcmp(op, "writer_exited_then_read")) {
		writer_mapped_then_gone(!strcmp(op, "writer_unmapped_then_read"));
		return 0;
	}
	if (!strcmp(op, "anon_shared")) {
		anon_shared();
		return 0;
	}
	if (!strcmp(op, "reverse_shell")) {
		reverse_shell();
		return 0;
	}
	if (!strcmp(op, "mount"))
		CHECK(mkdir(p("mnt"), 0755));
	if (strstr(op, "xattr") && op[0] != 's')
		CHECK(setxattr(p("in"), "trusted.fsops", "v", 1, 0));
	/* The operation runs in a child: the set-up is not in its graph. */
	pid = fork();
	CHECK(pid);
	if (pid) {
		wait_child(pid);
		return 0;
	}
	announce("main");
	if (!strcmp(op, "mount")) {
		if (real) {
			CHECK(mount("none", p("mnt"), "tmpfs", 0, NULL));
			CHECK(umount(p("mnt")));
		}
	} else if (!strcmp(op, "creat")) {
		if (real)
			CHECK(creat(p("new"), 0644));
	} else if (!strcmp(op, "open")) {
		if (real)
			CHECK(open(p("in"), O_RDONLY));
	} else if (!strcmp(op, "open_wronly")) {
		if (real)
			CHECK(open(p("in"), O_WRONLY | O_TRUNC));
	} else if (!strcmp(op, "open_rdwr")) {
		if (real)
			CHECK(open(p("in"), O_RDWR));
	} else if (!strcmp(op, "openat")) {
		fd = open(dir, O_RDONLY | O_DIRECTORY);
		CHECK(fd);
		if (real)
			CHECK(openat(fd, "in", O_RDONLY));
	} else if (!strcmp(op, "read") || !strcmp(op, "pread")) {
		fd = open_in();
		if (real && op[0] == 'r')
			CHECK(read(fd, buf, sizeof(buf)));
		if (real && op[0] == 'p')
			CHECK(pread(fd, buf, sizeof(buf), 2));
	} else if (!strcmp(op, "write") || !strcmp(op, "pwrite")) {
		fd = open(p("in"), O_WRONLY);
		CHECK(fd);
		if (real && op[0] == 'w')
			CHECK(write(fd, "xy", 2));
		if (real && op[0] == 'p')
			CHECK(pwrite(fd, "xy", 2, 4));
	} else if (!strcmp(op, "dup") || !strcmp(op, "dup2") ||
		   !strcmp(op, "dup3") || !strcmp(op, "fcntl_dupfd")) {
		fd = open_in();
		if (real && !strcmp(op, "dup"))
			CHECK(dup(fd));
		if (real && !strcmp(op, "dup2"))
			CHECK(dup2(fd, 20));
		if (real && !strcmp(op, "dup3"))
			CHECK(dup3(fd, 21, O_CLOEXEC));
		if (real && !strcmp(op, "fcntl_dupfd"))
			CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 30));
	} else if (!strcmp(op, "dup_wronly")) {
		fd = open(p("in"), O_WRONLY);
		CHECK(fd);
		if (real)
			CHECK(dup(fd));
	} else if (!strcmp(op, "close")) {
		/* the control leaves the descriptor to the close at exit */
		fd = open(p("in"), O_RDWR);
		CHECK(fd);
		if (real)
			CHECK(close(fd));
	} else if (!strcmp(op, "close_pipe")) {
		CHECK(pipe(pa));
		if (real)
			CHECK(close(pa[1]));
	} else if (!strcmp(op, "close_rdonly")) {
		fd = open_in();
		CHECK(close(fd));
	} else if (!strcmp(op, "link") || !strcmp(op, "linkat")) {
		if (real && op[4] == 0)
			CHECK(link(p("in"), p("hard")));
		if (real && op[4] == 'a')
			CHECK(linkat(AT_FDCWD, p("in"), AT_FDCWD, p("hard"), 0));
	} else if (!strcmp(op, "symlink") || !strcmp(op, "symlinkat")) {
		if (real && op[7] == 0)
			CHECK(symlink(p("in"), p("soft")));
		if (real && op[7] == 'a')
			CHECK(symlinkat(p("in"), AT_FDCWD, p("soft")));
	} else if (!strcmp(op, "mknod") || !strcmp(op, "mknodat")) {
		if (real && op[5] == 0)
			CHECK(mknod(p("fifo"), S_IFIFO | 0644, 0));
		if (real && op[5] == 'a')
			CHECK(mknodat(AT_FDCWD, p("fifo"), S_IFIFO | 0644, 0));
	} else if (!strcmp(op, "rename") || !strcmp(op, "renameat")) {
		if (real && op[6] == 0)
			CHECK(rename(p("in"), p("moved")));
		if (real && op[6] == 'a')
			CHECK(renameat(AT_FDCWD, p("in"), AT_FDCWD, p("moved")));
	} else if (!strcmp(op, "chmod")) {
		if (real)
			CHECK(chmod(p("in"), 0600));
	} else if (!strcmp(op, "fchmod")) {
		fd = open_in();
		if (real)
			CHECK(fchmod(fd, 0600));
	} else if (!strcmp(op, "fchmodat")) {
		if (real)
			CHECK(fchmodat(AT_FDCWD, p("in"), 0600, 0));
	} else if (!strcmp(op, "chown")) {
		if (real)
			CHECK(chown(p("in"), 1, 1));
	} else if (!strcmp(op, "fchown")) {
		fd = open_in();
		if (real)
			CHECK(fchown(fd, 1, 1));
	} else if (!strcmp(op, "fchownat")) {
		if (real)
			CHECK(fchownat(AT_FDCWD, p("in"), 1, 1, 0));
	} else if (!strcmp(op, "truncate")) {
		if (real)
			CHECK(truncate(p("in"), 2));
	} else if (!strcmp(op, "ftruncate")) {
		fd = open(p("in"), O_WRONLY);
		CHECK(fd);
		if (real)
			CHECK(ftruncate(fd, 2));
	} else if (!strcmp(op, "pipe") || !strcmp(op, "pipe2")) {
		/* the control moves the same bytes through a FIFO-less file */
		if (real && op[4] == 0)
			CHECK(pipe(pa));
		if (real && op[4] == '2')
			CHECK(pipe2(pa, O_CLOEXEC));
		if (real) {
			CHECK(write(pa[1], "pipe", 4));
			CHECK(read(pa[0], buf, 4));
		}
	} else if (!strcmp(op, "tee")) {
		CHECK(pipe(pa));
		CHECK(pipe(pb));
		CHECK(write(pa[1], "tee!", 4));
		if (real)
			CHECK(tee(pa[0], pb[1], 4, 0));
	} else if (!strcmp(op, "splice_file_pipe")) {
		fd = open_in();
		CHECK(pipe(pa));
		if (real)
			CHECK(splice(fd, NULL, pa[1], NULL, 8, 0));
	} else if (!strcmp(op, "splice_pipe_file")) {
		fd = open(p("in"), O_WRONLY);
		CHECK(fd);
		CHECK(pipe(pa));
		CHECK(write(pa[1], "splice", 6));
		if (real)
			CHECK(splice(pa[0], NULL, fd, NULL, 6, 0));
	} else if (!strcmp(op, "splice_pipe_pipe")) {
		CHECK(pipe(pa));
		CHECK(pipe(pb));
		CHECK(write(pa[1], "splice", 6));
		if (real)
			CHECK(splice(pa[0], NULL, pb[1], NULL, 6, 0));
	} else if (!strcmp(op, "vmsplice")) {
		CHECK(pipe(pa));
		if (real)
			CHECK(vmsplice(pa[1], &iov, 1, 0));
	} else if (!strcmp(op, "sendfile") || !strcmp(op, "sendfile_file")) {
		fd = open_in();
		if (op[8] == 0) {
			CHECK(pipe(pa));
			fd2 = pa[1];
		} else {
			fd2 = open(p("out"), O_WRONLY | O_CREAT, 0644);
			CHECK(fd2);
		}
		if (real)
			CHECK(sendfile(fd2, fd, &off, 8));
	} else if (!strcmp(op, "copy_file_range")) {
		fd = open_in();
		fd2 = open(p("out"), O_WRONLY | O_CREAT, 0644);
		CHECK(fd2);
		if (real)
			CHECK(copy_file_range(fd, NULL, fd2, NULL, 8, 0));
	} else if (!strcmp(op, "setxattr") || !strcmp(op, "getxattr") ||
		   !strcmp(op, "listxattr") || !strcmp(op, "removexattr")) {
		/* trusted.*: tmpfs on 6.1 has no user.* attributes */
		if (real && op[0] == 's')
			CHECK(setxattr(p("in"), "trusted.fsops", "v", 1, 0));
		if (real && op[0] == 'g')
			CHECK(getxattr(p("in"), "trusted.fsops", buf, sizeof(buf)));
		if (real && op[0] == 'l')
			CHECK(listxattr(p("in"), buf, sizeof(buf)));
		if (real && op[0] == 'r')
			CHECK(removexattr(p("in"), "trusted.fsops"));
	} else if (!strcmp(op, "flock")) {
		fd = open_in();
		if (real)
			CHECK(flock(fd, LOCK_EX));
	} else if (!strcmp(op, "fcntl_lock")) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		fd = open(p("in"), O_RDWR);
		CHECK(fd);
		if (real)
			CHECK(fcntl(fd, F_SETLK, &fl));
	} else if (!strcmp(op, "fcntl")) {
		fd = open_in();
		if (real)
			CHECK(fcntl(fd, F_SETFL, O_NONBLOCK));
	} else if (!strcmp(op, "ioctl")) {
		/* FIONREAD has no direction bits: either way */
		fd = open_in();
		if (real)
			CHECK(ioctl(fd, FIONREAD, &off));
	} else if (!strcmp(op, "ioctl_read")) {
		/* _IOR: the kernel writes the argument; tmpfs may refuse */
		fd = open_in();
		if (real)
			ioctl(fd, FS_IOC_GETFLAGS, &off);
	} else {
		fprintf(stderr, "fsops: unknown operation '%s'\n", op);
		return 2;
	}
	return 0;
}
