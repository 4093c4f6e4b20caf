// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipcops: one process, signal or IPC operation per run, for
 * Tests/e2e/test_ipc_ops.py.
 *
 *   ipcops OP real|control     run OP; "control" does everything but the
 *                              call under test
 *   ipcops msgrecv ID MODE     receiver halves started by the OPs (exec'd
 *   ipcops shmread ID MODE     so that each process has its own argv)
 *   ipcops semwait ID MODE
 *   ipcops mqrecv NAME MODE
 *   ipcops noop TAG            what execve runs
 *
 * Exits 0 when the operation behaved as expected, else prints why and
 * exits 1.  Built static by the test (gcc -static -O2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int real;
static const char *self = "/proc/self/exe";

static void die(const char *what)
{
	fprintf(stderr, "ipcops: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "ipcops: %s\n", what);
		exit(1);
	}
}

static void reap(pid_t pid, int expect)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	check(WIFEXITED(status) && WEXITSTATUS(status) == expect,
	      "child ended with an unexpected status");
}

/* fork + exec "ipcops HALF ARG MODE" */
static pid_t spawn(const char *half, const char *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl(self, "ipcops", half, arg, real ? "real" : "control",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig;
}

/* The receiver waits up to 3 s for the signal, then exits 0 either way. */
static int op_kill(int handler)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i, status;
	pid_t pid;

	if (handler)
		signal(SIGUSR1, on_usr1);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (i = 0; i < 300 && !got; i++)
			nanosleep(&ts, NULL);
		_exit(handler && got ? 0 : 3);
	}
	nanosleep(&ts, NULL);
	if (real && kill(pid, handler ? SIGUSR1 : SIGTERM))
		die("kill");
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!real)
		check(WIFEXITED(status) && WEXITSTATUS(status) == 3,
		      "control child saw a signal");
	else if (handler)
		check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "handler did not run");
	else
		check(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
		      "child not killed");
	return 0;
}

static int op_id(const char *op)
{
	int rc = 0;

	if (!real)
		return 0;
	if (!strcmp(op, "setuid"))
		rc = setuid(1000);
	else if (!strcmp(op, "setreuid"))
		rc = setreuid(1001, 1001);
	else if (!strcmp(op, "setresuid"))
		rc = setresuid(1002, 1002, 1002);
	else if (!strcmp(op, "setgid"))
		rc = setgid(1000);
	else if (!strcmp(op, "setregid"))
		rc = setregid(1001, 1001);
	else if (!strcmp(op, "setresgid"))
		rc = setresgid(1002, 1002, 1002);
	if (rc)
		die(op);
	return 0;
}

static int thread_fn(void *arg)
{
	return 0;
}

static int op_fork(const char *op)
{
	static char stack[65536];
	pid_t pid;

	if (!real)
		return 0;
	if (!strcmp(op, "fork"))
		pid = fork();
	else if (!strcmp(op, "vfork"))
		pid = vfork();
	else
		pid = clone(thread_fn, stack + sizeof(stack),
			    CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0)
		die(op);
	if (pid == 0)
		_exit(0);
	reap(pid, 0);
	return 0;
}

static int op_execve(void)
{
	if (!real)
		return 0;
	execl(self, "ipcops", "noop", "execve-target", (char *)NULL);
	die("execve");
	return 1;
}

/* The child exits 42; the real run reaps it, the control leaves it to init. */
static int op_exit(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(42);
	if (real)
		reap(pid, 42);
	return 0;
}

static int op_ptrace(void)
{
	static long secret = 0x5ec7e7;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int status;
	long word;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (;;)
			nanosleep(&ts, NULL);
	}
	if (real) {
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
			die("PTRACE_ATTACH");
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid");
		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, pid, &secret, NULL);
		check(!errno && word == secret, "PTRACE_PEEKDATA");
		if (ptrace(PTRACE_DETACH, pid, NULL, NULL))
			die("PTRACE_DETACH");
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 0;
}

static int op_prctl(void)
{
	char name[16] = "";

	if (real && prctl(PR_SET_NAME, "ipcops-renamed"))
		die("prctl");
	if (real) {
		prctl(PR_GET_NAME, name);
		check(!strcmp(name, "ipcops-renamed"), "PR_SET_NAME");
	}
	return 0;
}

static int op_setrlimit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		die("getrlimit");
	r.rlim_cur = 64;
	if (real && setrlimit(RLIMIT_NOFILE, &r))
		die("setrlimit");
	return 0;
}

struct ipcops_msg {
	long mtype;
	char text[32];
};

static int op_msg(void)
{
	struct ipcops_msg m = { 1, "hello through the queue" };
	char id[16];
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	pid_t pid;

	if (q < 0)
		die("msgget");
	if (real && msgsnd(q, &m, sizeof(m.text), 0))
		die("msgsnd");
	snprintf(id, sizeof(id), "%d", q);
	pid = spawn("msgrecv", id);
	reap(pid, 0);
	msgctl(q, IPC_RMID, NULL);
	return 0;
}

static int half_msgrecv(int q)
{
	struct ipcops_msg m;
	ssize_t n = msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT);

	if (real)
		check(n > 0 && !strcmp(m.text, "hello through the queue"),
		      "msgrcv");
	else
		check(n < 0 && errno == ENOMSG, "control msgrcv got data");
	return 0;
}

static int op_shm(void)
{
	int s = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	char id[16];
	char *p;

	if (s < 0)
		die("shmget");
	if (real) {
		p = shmat(s, NULL, 0);
		if (p == (void *)-1)
			die("shmat");
		strcpy(p, "written through shm");
		if (shmdt(p))
			die("shmdt");
	}
	snprintf(id, sizeof(id), "%d", s);
	reap(spawn("shmread", id), 0);
	shmctl(s, IPC_RMID, NULL);
	return 0;
}

static int half_shmread(int s)
{
	char *p = shmat(s, NULL, SHM_RDONLY);

	if (p == (void *)-1)
		die("shmat");
	if (real)
		check(!strcmp(p, "written through shm"), "shm data");
	else
		check(!p[0], "control shm not empty");
	shmdt(p);
	return 0;
}

static int op_sem(void)
{
	struct sembuf up = { 0, 1, 0 };
	int s = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	char id[16];

	if (s < 0)
		die("semget");
	if (real && semop(s, &up, 1))
		die("semop");
	snprintf(id, sizeof(id), "%d", s);
	reap(spawn("semwait", id), 0);
	semctl(s, 0, IPC_RMID);
	return 0;
}

static int half_semwait(int s)
{
	struct sembuf down = { 0, -1, IPC_NOWAIT };
	int rc = semop(s, &down, 1);

	if (real)
		check(rc == 0, "semop down");
	else
		check(rc < 0 && errno == EAGAIN, "control semop succeeded");
	return 0;
}

static int op_mq(void)
{
	const char *name = real ? "/ipcops-real" : "/ipcops-control";
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, &attr);

	if (q == (mqd_t)-1)
		die("mq_open");
	if (real && mq_send(q, "hello through mq", 17, 3))
		die("mq_send");
	reap(spawn("mqrecv", name), 0);
	mq_close(q);
	mq_unlink(name);
	return 0;
}

static int half_mqrecv(const char *name)
{
	char buf[64];
	mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (q == (mqd_t)-1)
		die("mq_open");
	n = mq_receive(q, buf, sizeof(buf), NULL);
	if (real)
		check(n == 17 && !strcmp(buf, "hello through mq"), "mq_receive");
	else
		check(n < 0 && errno == EAGAIN, "control mq_receive got data");
	mq_close(q);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	const char *mode = argv[argc - 1];

	if (argc == 3 && !strcmp(op, "noop"))
		return 0;
	check(argc >= 3 && (!strcmp(mode, "real") || !strcmp(mode, "control")),
	      "usage: ipcops OP [ARG] real|control");
	real = !strcmp(mode, "real");
	if (argc == 4) {
		if (!strcmp(op, "msgrecv"))
			return half_msgrecv(atoi(argv[2]));
		if (!strcmp(op, "shmread"))
			return half_shmread(atoi(argv[2]));
		if (!strcmp(op, "semwait"))
			return half_semwait(atoi(argv[2]));
		if (!strcmp(op, "mqrecv"))
			return half_mqrecv(argv[2]);
		check(0, "unknown receiver");
	}
	if (!strcmp(op, "kill"))
		return op_kill(0);
	if (!strcmp(op, "killh"))
		return op_kill(1);
	if (!strncmp(op, "setre", 5) || !strncmp(op, "setres", 6) ||
	    !strcmp(op, "setuid") || !strcmp(op, "setgid"))
		return op_id(op);
	if (!strcmp(op, "fork") || !strcmp(op, "vfork") || !strcmp(op, "clone"))
		return op_fork(op);
	if (!strcmp(op, "execve"))
		return op_execve();
	if (!strcmp(op, "exit"))
		return op_exit();
	if (!strcmp(op, "ptrace"))
		return op_ptrace();
	if (!strcmp(op, "prctl"))
		return op_prctl();
	if (!strcmp(op, "setrlimit"))
		return op_setrlimit();
	if (!strcmp(op, "msg"))
		return op_msg();
	if (!strcmp(op, "shm"))
		return op_shm();
	if (!strcmp(op, "sem"))
		return op_sem();
	if (!strcmp(op, "mq"))
		return op_mq();
	check(0, "unknown operation");
	return 1;
}
