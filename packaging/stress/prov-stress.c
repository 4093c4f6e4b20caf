// SPDX-License-Identifier: GPL-2.0-only
/*
 * prov-stress: the mixed workload of `make stress` (docs/performance.md).
 *
 *   prov-stress [--seconds N] [--ops M] [--workers W] [--dir DIR]
 *
 * Starts W worker processes that, until N seconds have passed (or, with
 * --ops, each worker did M/W operations), cycle through five operations, each counted when it completed:
 *   file  create, write 4 KiB, close, reopen, read, rename, unlink
 *   pipe  pipe, write, read, close; the read is read(2), a Linux AIO
 *         read (io_submit) or an io_uring read, in turn
 *   unix  socketpair, send one way, then the other, close
 *   tcp   listen on 127.0.0.1:0, connect, accept, send both ways, close
 *   exec  pipe, fork, the child execs "prov-stress --child" which writes a
 *         line into the pipe; the parent reads it and waits
 *   ipc   a SysV message queue (send, receive), a SysV shared memory
 *         segment (attach, write, detach), a SysV semaphore (up, down) and a
 *         POSIX message queue (send, receive), each created and removed
 *   map   a file mapped shared and writable: write through the mapping,
 *         msync, munmap, then read the file back
 *   kill  fork a child that waits for a signal, SIGUSR1 it, wait for it
 * At the end it prints one line per operation ("ops NAME COUNT") and
 * "ops total COUNT"; it exits non-zero if any operation failed.
 * Built static on the host and copied into the VM with the harness's --bin.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "async_read.h"

enum op {
	OP_FILE, OP_PIPE, OP_UNIX, OP_TCP, OP_EXEC, OP_IPC, OP_MAP, OP_KILL,
	OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
	"file", "pipe", "unix", "tcp", "exec", "ipc", "map", "kill"
};

struct shared {
	atomic_long done[OP_COUNT];
	atomic_long failed;
};

static struct shared *shared;
static char dir[256] = "/tmp/prov-stress";
static char self_path[512];
static char block[4096];

static void fail(int worker, const char *what)
{
	fprintf(stderr, "prov-stress: worker %d: %s: %s\n", worker, what,
		strerror(errno));
	atomic_fetch_add(&shared->failed, 1);
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *data, size_t len)
{
	char *p = data;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int op_file(int worker, long n)
{
	char path[600], renamed[620];
	char in[sizeof(block)];
	int fd;

	snprintf(path, sizeof(path), "%s/w%d-%ld", dir, worker, n);
	snprintf(renamed, sizeof(renamed), "%s.renamed", path);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		return fail(worker, "create"), -1;
	if (write_all(fd, block, sizeof(block)) < 0) {
		close(fd);
		return fail(worker, "write"), -1;
	}
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail(worker, "reopen"), -1;
	if (read_all(fd, in, sizeof(in)) < 0) {
		close(fd);
		return fail(worker, "read"), -1;
	}
	close(fd);
	if (rename(path, renamed) < 0)
		return fail(worker, "rename"), -1;
	if (unlink(renamed) < 0)
		return fail(worker, "unlink"), -1;
	return 0;
}

/* One message from fds[0] to fds[1] and, if @both, one back. */
static int round_trip(int a, int b, int both)
{
	char msg[64] = "prov-stress", got[64];

	if (write_all(a, msg, sizeof(msg)) < 0 ||
	    read_all(b, got, sizeof(got)) < 0)
		return -1;
	if (both && (write_all(b, got, sizeof(got)) < 0 ||
		     read_all(a, msg, sizeof(msg)) < 0))
		return -1;
	return 0;
}

/* The @n-th operation of a worker: a pipe message read in one of three ways. */
static int op_pipe(int worker, long n)
{
	char msg[64] = "prov-stress", got[64];
	int fds[2], rc;
	ssize_t r;

	if (pipe(fds) < 0)
		return fail(worker, "pipe"), -1;
	switch (n / OP_COUNT % 3) {
	case 0:
		rc = round_trip(fds[1], fds[0], 0);
		break;
	case 1:
		r = write_all(fds[1], msg, sizeof(msg)) < 0 ? -1 :
		    aio_read_once(fds[0], got, sizeof(got));
		rc = r == (ssize_t)sizeof(got) ? 0 : -1;
		break;
	default:
		r = write_all(fds[1], msg, sizeof(msg)) < 0 ? -1 :
		    uring_read_once(fds[0], got, sizeof(got));
		rc = r == (ssize_t)sizeof(got) ? 0 : -1;
		break;
	}
	close(fds[0]);
	close(fds[1]);
	if (rc < 0)
		fail(worker, "pipe round trip");
	return rc;
}

static int op_unix(int worker)
{
	int fds[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		return fail(worker, "socketpair"), -1;
	rc = round_trip(fds[0], fds[1], 1);
	close(fds[0]);
	close(fds[1]);
	if (rc < 0)
		fail(worker, "socketpair round trip");
	return rc;
}

static int op_tcp(int worker)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int lfd, cfd = -1, afd = -1, rc = -1;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return fail(worker, "socket"), -1;
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&addr, &len) < 0) {
		fail(worker, "bind/listen");
		goto out;
	}
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fail(worker, "connect");
		goto out;
	}
	afd = accept(lfd, NULL, NULL);
	if (afd < 0) {
		fail(worker, "accept");
		goto out;
	}
	rc = round_trip(cfd, afd, 1);
	if (rc < 0)
		fail(worker, "tcp round trip");
out:
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	return rc;
}

static int op_exec(int worker)
{
	char line[64];
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(fds) < 0)
		return fail(worker, "exec pipe"), -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail(worker, "fork"), -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(self_path, "prov-stress", "--child", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], line, sizeof(line));
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || n <= 0) {
		errno = n < 0 ? errno : 0;
		return fail(worker, "exec child"), -1;
	}
	return 0;
}

struct stress_msg {
	long mtype;
	char mtext[64];
};

static int sysv_msg(void)
{
	struct stress_msg out = { .mtype = 1, .mtext = "prov-stress" }, in;
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600), rc = -1;

	if (id < 0)
		return -1;
	if (msgsnd(id, &out, sizeof(out.mtext), 0) == 0 &&
	    msgrcv(id, &in, sizeof(in.mtext), 1, 0) == (ssize_t)sizeof(in.mtext))
		rc = 0;
	msgctl(id, IPC_RMID, NULL);
	return rc;
}

static int sysv_shm(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600), rc = -1;
	char *mem;

	if (id < 0)
		return -1;
	mem = shmat(id, NULL, 0);
	if (mem != (void *)-1) {
		memcpy(mem, "prov-stress", 12);
		rc = shmdt(mem);
	}
	shmctl(id, IPC_RMID, NULL);
	return rc;
}

static int sysv_sem(void)
{
	struct sembuf up = { .sem_num = 0, .sem_op = 1 };
	struct sembuf down = { .sem_num = 0, .sem_op = -1 };
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), rc = -1;

	if (id < 0)
		return -1;
	if (semop(id, &up, 1) == 0 && semop(id, &down, 1) == 0)
		rc = 0;
	semctl(id, 0, IPC_RMID);
	return rc;
}

static int posix_mq(int worker, long n)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	char name[64], msg[64] = "prov-stress", got[64];
	mqd_t q;
	int rc = -1;

	snprintf(name, sizeof(name), "/prov-stress-%d-%ld", worker, n);
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1)
		return -1;
	if (mq_send(q, msg, sizeof(msg), 0) == 0 &&
	    mq_receive(q, got, sizeof(got), NULL) == (ssize_t)sizeof(got))
		rc = 0;
	mq_close(q);
	mq_unlink(name);
	return rc;
}

static int op_ipc(int worker, long n)
{
	if (sysv_msg() < 0)
		return fail(worker, "msg queue"), -1;
	if (sysv_shm() < 0)
		return fail(worker, "shared memory"), -1;
	if (sysv_sem() < 0)
		return fail(worker, "semaphore"), -1;
	if (posix_mq(worker, n) < 0)
		return fail(worker, "POSIX mq"), -1;
	return 0;
}

static int op_map(int worker, long n)
{
	char path[600], in[sizeof(block)];
	char *mem;
	int fd, rc = -1;

	snprintf(path, sizeof(path), "%s/m%d-%ld", dir, worker, n);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return fail(worker, "map create"), -1;
	if (ftruncate(fd, sizeof(block)) < 0) {
		fail(worker, "map ftruncate");
		goto out;
	}
	mem = mmap(NULL, sizeof(block), PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (mem == MAP_FAILED) {
		fail(worker, "mmap");
		goto out;
	}
	memcpy(mem, block, sizeof(block));
	if (msync(mem, sizeof(block), MS_SYNC) < 0 ||
	    munmap(mem, sizeof(block)) < 0) {
		fail(worker, "msync/munmap");
		goto out;
	}
	if (pread(fd, in, sizeof(in), 0) != (ssize_t)sizeof(in) ||
	    memcmp(in, block, sizeof(in)) != 0) {
		errno = EIO;
		fail(worker, "map read back");
		goto out;
	}
	rc = 0;
out:
	close(fd);
	unlink(path);
	return rc;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int op_kill(int worker)
{
	int status, ready[2];
	char c;
	pid_t pid;

	if (pipe(ready) < 0)
		return fail(worker, "kill pipe"), -1;
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return fail(worker, "kill fork"), -1;
	}
	if (pid == 0) {
		sigset_t usr1, old;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, &old);
		signal(SIGUSR1, on_usr1);
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		sigsuspend(&old);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1 || kill(pid, SIGUSR1) < 0) {
		close(ready[0]);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return fail(worker, "kill"), -1;
	}
	close(ready[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		errno = 0;
		return fail(worker, "kill child"), -1;
	}
	return 0;
}

static void worker_loop(int worker, time_t deadline, long ops)
{
	struct timespec now;
	long n = 0;

	do {
		enum op op = (enum op)((n + worker) % OP_COUNT);
		int rc;

		switch (op) {
		case OP_FILE:
			rc = op_file(worker, n);
			break;
		case OP_PIPE:
			rc = op_pipe(worker, n);
			break;
		case OP_UNIX:
			rc = op_unix(worker);
			break;
		case OP_TCP:
			rc = op_tcp(worker);
			break;
		case OP_EXEC:
			rc = op_exec(worker);
			break;
		case OP_IPC:
			rc = op_ipc(worker, n);
			break;
		case OP_MAP:
			rc = op_map(worker, n);
			break;
		default:
			rc = op_kill(worker);
			break;
		}
		if (rc == 0)
			atomic_fetch_add(&shared->done[op], 1);
		n++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < deadline && (!ops || n < ops) &&
		 atomic_load(&shared->failed) < 100);
}

static long number(const char *flag, const char *text, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text ? text : "", &end, 10);
	if (!text || errno || *end || end == text || v < min || v > max) {
		fprintf(stderr, "prov-stress: %s: expected an integer in %ld..%ld, got '%s'\n",
			flag, min, max, text ? text : "");
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long seconds = 60, workers = 12, ops = 0, total = 0;
	struct timespec now;
	int i, status, rc = 0;
	ssize_t len;

	if (argc == 2 && strcmp(argv[1], "--child") == 0) {
		static const char hello[] = "prov-stress child\n";

		return write_all(1, hello, sizeof(hello) - 1) < 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = number("--seconds", argv[++i], 1, 86400);
		} else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
			ops = number("--ops", argv[++i], 1, 1L << 40);
		} else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			workers = number("--workers", argv[++i], 1, 256);
		} else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			if (strlen(argv[++i]) >= sizeof(dir)) {
				fprintf(stderr, "prov-stress: --dir: path too long\n");
				return 2;
			}
			strcpy(dir, argv[i]);
		} else {
			fprintf(stderr, "prov-stress: unknown or incomplete argument '%s'\n"
				"usage: prov-stress [--seconds N] [--ops M] [--workers W] [--dir DIR]\n",
				argv[i]);
			return 2;
		}
	}
	len = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (len < 0) {
		perror("prov-stress: /proc/self/exe");
		return 1;
	}
	self_path[len] = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "prov-stress: --dir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("prov-stress: mmap");
		return 1;
	}
	memset(block, 'x', sizeof(block));
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("prov-stress: fork");
			return 1;
		}
		if (pid == 0) {
			worker_loop(i, now.tv_sec + seconds,
				    ops ? (ops + workers - 1) / workers : 0);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
	for (i = 0; i < OP_COUNT; i++) {
		long n = atomic_load(&shared->done[i]);

		printf("ops %s %ld\n", op_names[i], n);
		total += n;
		if (n == 0)
			rc = 1;
	}
	printf("ops total %ld\n", total);
	printf("ops failed %ld\n", atomic_load(&shared->failed));
	if (atomic_load(&shared->failed))
		rc = 1;
	return rc;
}
