// SPDX-License-Identifier: GPL-2.0-only
/*
 * prov-bench: system-call microbenchmark for `make bench-kernel`.
 *
 *   prov-bench [--track] [--scale N] [--dir DIR] [OP...]
 *
 * Runs each operation in a loop and prints one line per operation:
 *   OP NS_PER_OP RECORDS_PER_OP DROPPED
 * RECORDS_PER_OP and DROPPED come from the provenance securityfs counters
 * "sent" and "dropped" read around the loop (-1 when the LSM is absent).
 * --track marks the calling process tracked (securityfs "self") first.
 * Built static on the host and copied into the VM with the harness's --bin.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/provenance.h>
#include <linux/provenance_fs.h>

#define PROV_FS "/sys/kernel/security/provenance/"

static char dir[256] = "/tmp/prov-bench";
static char file_path[512];
static char self_path[512];
static char buf[4096];

static void die(const char *what)
{
	fprintf(stderr, "prov-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * The counter files are opened once, before --track marks the process:
 * a file a tracked process opens becomes tracked, and a tracked securityfs
 * file would keep the kernel's gate open in the modes that follow
 * (docs/design.md, "the untracked path").
 */
static int counter_fd[2] = { -1, -1 };

static void open_counters(void)
{
	counter_fd[0] = open(PROV_FS "sent", O_RDONLY | O_CLOEXEC);
	counter_fd[1] = open(PROV_FS "dropped", O_RDONLY | O_CLOEXEC);
}

static int64_t counter(const char *name)
{
	int fd = counter_fd[strcmp(name, "sent") ? 1 : 0];
	uint64_t v;

	if (fd < 0 || pread(fd, &v, sizeof(v), 0) != sizeof(v))
		return -1;
	return (int64_t)v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void track_self(void)
{
	struct prov_process_config c;
	int fd = open(PROV_FS "self", O_WRONLY);

	if (fd < 0)
		die("open " PROV_FS "self");
	memset(&c, 0, sizeof(c));
	c.op = PROV_SET_TRACKED;
	c.flags = PROV_FLAG_TRACKED;
	if (write(fd, &c, sizeof(c)) != sizeof(c))
		die("write " PROV_FS "self");
	close(fd);
}

static void op_open(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(file_path, O_RDONLY);

		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void op_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(file_path, &st))
			die("stat");
}

static void op_fstat(long n)
{
	struct stat st;
	int fd = open(file_path, O_RDONLY);

	if (fd < 0)
		die("open");
	for (long i = 0; i < n; i++)
		if (fstat(fd, &st))
			die("fstat");
	close(fd);
}

static void op_read(long n)
{
	int fd = open(file_path, O_RDONLY);

	if (fd < 0)
		die("open");
	for (long i = 0; i < n; i++)
		if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf))
			die("pread");
	close(fd);
}

static void op_write(long n)
{
	int fd = open(file_path, O_WRONLY);

	if (fd < 0)
		die("open");
	for (long i = 0; i < n; i++)
		if (pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf))
			die("pwrite");
	close(fd);
}

static void reap(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("child");
}

static void op_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		reap(pid);
	}
}

static void op_exec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl(self_path, self_path, "--noop", (char *)NULL);
			_exit(127);
		}
		reap(pid);
	}
}

/* An echo child on fd @peer; the parent sends a byte and waits for it. */
static void ping_pong(int out, int in, int child_in, int child_out, long n)
{
	pid_t pid = fork();
	char c = 'x';

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(out);
		if (in != out)
			close(in);
		while (read(child_in, &c, 1) == 1)
			if (write(child_out, &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(child_in);
	if (child_out != child_in)
		close(child_out);
	for (long i = 0; i < n; i++) {
		if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
			die("round trip");
	}
	close(out);
	if (in != out)
		close(in);
	reap(pid);
}

static void op_pipe(long n)
{
	int down[2], up[2];

	if (pipe(down) || pipe(up))
		die("pipe");
	ping_pong(down[1], up[0], down[0], up[1], n);
}

static void op_unix(long n)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	ping_pong(sv[0], sv[0], sv[1], sv[1], n);
}

static void op_tcp(long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int one = 1, lst, cli, srv;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lst = socket(AF_INET, SOCK_STREAM, 0);
	if (lst < 0 || bind(lst, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lst, 1) || getsockname(lst, (struct sockaddr *)&a, &len))
		die("listen on 127.0.0.1");
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (cli < 0 || connect(cli, (struct sockaddr *)&a, sizeof(a)))
		die("connect to 127.0.0.1");
	srv = accept(lst, NULL, NULL);
	if (srv < 0)
		die("accept");
	close(lst);
	setsockopt(cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(srv, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ping_pong(cli, cli, srv, srv, n);
}

struct bench_op {
	const char *name;
	void (*run)(long n);
	long iterations;
};

static const struct bench_op ops[] = {
	{ "open+close", op_open, 4000 },
	{ "stat", op_stat, 6000 },
	{ "fstat", op_fstat, 20000 },
	{ "read4k", op_read, 10000 },
	{ "write4k", op_write, 10000 },
	{ "fork+exit", op_fork, 300 },
	{ "fork+exec", op_exec, 200 },
	{ "pipe", op_pipe, 3000 },
	{ "unix", op_unix, 3000 },
	{ "tcp", op_tcp, 2000 },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

static void run_op(const struct bench_op *op, double scale)
{
	long n = (long)(op->iterations * scale);
	int64_t s0, d0, s1, d1;
	uint64_t t0, t1;

	if (n < 1)
		n = 1;
	s0 = counter("sent");
	d0 = counter("dropped");
	t0 = now_ns();
	op->run(n);
	t1 = now_ns();
	s1 = counter("sent");
	d1 = counter("dropped");
	printf("%s %.1f %.2f %lld\n", op->name, (double)(t1 - t0) / n,
	       s0 < 0 || s1 < 0 ? -1.0 : (double)(s1 - s0) / n,
	       d0 < 0 || d1 < 0 ? -1LL : (long long)(d1 - d0));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double scale = 1.0;
	int track = 0, i, fd, selected = 0;
	size_t k;

	if (argc > 1 && !strcmp(argv[1], "--noop"))
		return 0;
	if (readlink("/proc/self/exe", self_path, sizeof(self_path) - 1) < 0)
		die("readlink /proc/self/exe");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--track")) {
			track = 1;
		} else if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
			scale = atof(argv[++i]);
			if (scale <= 0) {
				fprintf(stderr, "prov-bench: --scale: expected a positive number, got '%s'\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			snprintf(dir, sizeof(dir), "%s", argv[++i]);
		} else {
			fprintf(stderr, "prov-bench: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	for (int j = i; j < argc; j++) {
		for (k = 0; k < NOPS && strcmp(ops[k].name, argv[j]); k++)
			;
		if (k == NOPS) {
			fprintf(stderr, "prov-bench: unknown operation '%s'\n", argv[j]);
			return 2;
		}
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		die(dir);
	snprintf(file_path, sizeof(file_path), "%s/file", dir);
	fd = open(file_path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf))
		die(file_path);
	close(fd);
	open_counters();
	if (track)
		track_self();
	for (k = 0; k < NOPS; k++) {
		if (i < argc) {
			selected = 0;
			for (int j = i; j < argc; j++)
				selected |= !strcmp(ops[k].name, argv[j]);
			if (!selected)
				continue;
		}
		run_op(&ops[k], scale);
	}
	return 0;
}
