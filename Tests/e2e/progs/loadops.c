// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadops: one kernel load or administration operation per run, for
 * Tests/e2e/test_loads.py.
 *
 *   loadops OP real|control    run OP; "control" does everything but the
 *                              call under test
 *
 * OP: finit (finit_module of a file that is not a module), init
 * (init_module from memory), kexec (kexec_file_load of a garbage image),
 * firmware (test_firmware's trigger loads /lib/firmware/NAME), pivot
 * (pivot_root in a private mount namespace), traceme (PTRACE_TRACEME in a
 * child), setprio (setpriority on a child), bpf (BPF_PROG_LOAD of a socket
 * filter "r0 = 0; exit").
 *
 * Exits 0 when the operation behaved as expected, else prints why and
 * exits 1.  Built static by the test (gcc -static -O2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/kexec.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRIGGER "/sys/devices/virtual/misc/test_firmware/trigger_request"
#define FW_DEVICE "/dev/test_firmware"

static int real;
static const char *mode;

static void die(const char *what)
{
	fprintf(stderr, "loadops: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "loadops: %s\n", what);
		exit(1);
	}
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child ended with an unexpected status");
}

/* Writes @len bytes that are no module, kernel image or ELF file. */
static void write_garbage(const char *path, size_t len)
{
	char buf[4096];
	int fd;

	check(len <= sizeof(buf), "garbage too long");
	memset(buf, 0x5a, len);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd))
		die(path);
}

/* The load must be refused (not a module or kernel), but not for lack of
 * the system call or of privilege: those fail before the hook. */
static void check_refused(long rc, const char *call)
{
	if (rc >= 0) {
		fprintf(stderr, "loadops: %s of garbage succeeded\n", call);
		exit(1);
	}
	if (errno == ENOSYS || errno == EPERM)
		die(call);
}

static int op_finit(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/loads/finit-%s.ko", mode);
	write_garbage(path, 256);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	if (real)
		check_refused(syscall(SYS_finit_module, fd, "", 0), "finit_module");
	close(fd);
	return 0;
}

static int op_init(void)
{
	static char image[256];

	memset(image, 0x5a, sizeof(image));
	if (real)
		check_refused(syscall(SYS_init_module, image, sizeof(image), ""),
			      "init_module");
	return 0;
}

static int op_kexec(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/loads/kexec-%s.img", mode);
	write_garbage(path, 4096);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	if (real)
		check_refused(syscall(SYS_kexec_file_load, fd, -1, 0UL, NULL,
				      (unsigned long)KEXEC_FILE_NO_INITRAMFS),
			      "kexec_file_load");
	close(fd);
	return 0;
}

/* The firmware file, the trigger and the device that returns what the
 * kernel loaded. */
static int op_firmware(void)
{
	char name[64], path[96], content[64], back[64];
	int fd, len;
	ssize_t n;

	snprintf(name, sizeof(name), "camflow-%s.bin", mode);
	snprintf(path, sizeof(path), "/lib/firmware/%s", name);
	len = snprintf(content, sizeof(content), "firmware for the %s run", mode);
	if (mkdir("/lib", 0755) && errno != EEXIST)
		die("/lib");
	if (mkdir("/lib/firmware", 0755) && errno != EEXIST)
		die("/lib/firmware");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, content, len) != len || close(fd))
		die(path);
	fd = open(TRIGGER, O_WRONLY);
	if (fd < 0)
		die(TRIGGER);
	if (real && write(fd, name, strlen(name)) != (ssize_t)strlen(name))
		die("trigger_request");
	close(fd);
	if (!real)
		return 0;
	fd = open(FW_DEVICE, O_RDONLY);
	if (fd < 0)
		die(FW_DEVICE);
	n = read(fd, back, sizeof(back));
	close(fd);
	check(n == len && !memcmp(back, content, len),
	      "test_firmware did not load the file");
	return 0;
}

/*
 * pivot_root refuses the initramfs root (it has no parent mount): chroot
 * into /tmp (a tmpfs mounted on it) first, then swap in a new tmpfs.
 */
static int op_pivot(void)
{
	char dir[64], old[80];

	snprintf(dir, sizeof(dir), "/tmp/pivot-%s", mode);
	snprintf(old, sizeof(old), "%s/old", dir);
	if (unshare(CLONE_NEWNS))
		die("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("make / private");
	if (mkdir(dir, 0755) && errno != EEXIST)
		die(dir);
	if (mount("tmpfs", dir, "tmpfs", 0, NULL))
		die("mount tmpfs");
	if (mkdir(old, 0755))
		die(old);
	if (chdir("/tmp") || chroot("/tmp"))
		die("chroot /tmp");
	if (real) {
		snprintf(dir, sizeof(dir), "/pivot-%s", mode);
		snprintf(old, sizeof(old), "%s/old", dir);
		if (syscall(SYS_pivot_root, dir, old))
			die("pivot_root");
		if (chdir("/"))
			die("chdir /");
		check(access("/old/loads", F_OK) == 0,
		      "the old root is not under /old");
	}
	return 0;
}

static int op_traceme(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (real && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(2);
		_exit(0);
	}
	reap(pid);
	return 0;
}

static int op_setprio(void)
{
	int fds[2];
	char c;
	pid_t pid;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(fds[1]);
		/* until the parent closes its end */
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 2);
	}
	close(fds[0]);
	if (real) {
		if (setpriority(PRIO_PROCESS, pid, 5))
			die("setpriority");
		errno = 0;
		check(getpriority(PRIO_PROCESS, pid) == 5 && !errno,
		      "the child's nice value is not 5");
	}
	close(fds[1]);
	reap(pid);
	return 0;
}

static int op_bpf(void)
{
	struct bpf_insn prog[2] = {
		/* r0 = 0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		/* exit */
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "GPL";
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = (unsigned long)prog;
	attr.license = (unsigned long)license;
	if (!real)
		return 0;
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		die("bpf(BPF_PROG_LOAD)");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	check(argc == 3 && (!strcmp(argv[2], "real") ||
			    !strcmp(argv[2], "control")),
	      "usage: loadops OP real|control");
	mode = argv[2];
	real = !strcmp(mode, "real");
	if (mkdir("/tmp/loads", 0755) && errno != EEXIST)
		die("/tmp/loads");
	if (!strcmp(op, "finit"))
		return op_finit();
	if (!strcmp(op, "init"))
		return op_init();
	if (!strcmp(op, "kexec"))
		return op_kexec();
	if (!strcmp(op, "firmware"))
		return op_firmware();
	if (!strcmp(op, "pivot"))
		return op_pivot();
	if (!strcmp(op, "traceme"))
		return op_traceme();
	if (!strcmp(op, "setprio"))
		return op_setprio();
	if (!strcmp(op, "bpf"))
		return op_bpf();
	fprintf(stderr, "loadops: unknown operation '%s'\n", op);
	return 1;
}
