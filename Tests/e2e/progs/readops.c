// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reads that wait for their data (Tests/e2e/test_blocking_reads.py).
 *
 *   readops CHANNEL real|control DIR
 *
 * CHANNEL is pipe, fifo, unix_stream, unix_dgram or tcp, or pipe_aio or
 * pipe_uring: a pipe whose reader reads through Linux AIO (io_submit,
 * IOCB_CMD_PREAD) or io_uring (IORING_OP_READ) instead of read(2).  The
 * process sets
 * the channel up, then starts two children: a reader and a writer; neither
 * is the other's ancestor.  The writer opens or connects its end first
 * (so that no open or connect carries the input), then reads
 * DIR/in-CHANNEL-MODE, writes it into the channel, waits 2 s and reads
 * DIR/late-CHANNEL-MODE (data the reader never gets).  The reader reads
 * the channel exactly once and writes what it got to DIR/out-CHANNEL-MODE.
 *
 * real:    the writer waits 1 s before it writes, so the reader is
 *          blocked in its read when the data arrives;
 * control: the reader waits 1 s before it reads, so the data is there.
 *
 * Exits non-zero, with the reason on stderr, if anything failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../../packaging/stress/async_read.h"

#define BUF_SIZE 4096

static const char *channel, *mode, *dir;
static int real;

static void die(const char *what)
{
	fprintf(stderr, "readops %s %s: %s: %s\n", channel, mode, what,
		strerror(errno));
	exit(1);
}

static void path_of(char *buf, size_t size, const char *kind)
{
	snprintf(buf, size, "%s/%s-%s-%s", dir, kind, channel, mode);
}

/* The contents of DIR/KIND-CHANNEL-MODE. */
static ssize_t read_file(const char *kind, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	path_of(path, sizeof(path), kind);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	n = read(fd, buf, size);
	if (n <= 0)
		die(path);
	close(fd);
	return n;
}

/* Everything in one write or send: the reader reads once. */
static void write_all(int fd, const char *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n != (ssize_t)len)
		die("write to the channel");
}

static void writer_done(void)
{
	char late[BUF_SIZE];

	sleep(2);
	read_file("late", late, sizeof(late));
	exit(0);
}

/* The reader writes what its one read got; the workload compares. */
static void reader_got(const char *buf, ssize_t n)
{
	char path[256];
	int fd;

	if (n <= 0)
		die("read from the channel");
	path_of(path, sizeof(path), "out");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die(path);
	if (write(fd, buf, n) != n)
		die(path);
	close(fd);
	exit(0);
}

static void reader_wait(void)
{
	if (!real)
		sleep(1);
}

static void writer_wait(void)
{
	if (real)
		sleep(1);
}

static pid_t start(void (*child)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		child(arg);
		exit(1);
	}
	return pid;
}

/* --- pipe ---------------------------------------------------------- */

/* How the pipe's reader reads: read(2), Linux AIO or io_uring. */
static ssize_t (*pipe_read_once)(int fd, void *buf, size_t size) = read;

static void pipe_reader(void *arg)
{
	int *fds = arg;
	char buf[BUF_SIZE];

	close(fds[1]);
	reader_wait();
	reader_got(buf, pipe_read_once(fds[0], buf, sizeof(buf)));
}

static void pipe_writer(void *arg)
{
	int *fds = arg;
	char buf[BUF_SIZE];
	ssize_t n;

	close(fds[0]);
	n = read_file("in", buf, sizeof(buf));
	writer_wait();
	write_all(fds[1], buf, n);
	writer_done();
}

/* --- fifo: the writer connects by the FIFO's path ----------------- */

static char fifo_path[256];

static void fifo_reader(void *arg)
{
	char buf[BUF_SIZE];
	int fd = open(fifo_path, O_RDONLY);

	(void)arg;
	if (fd < 0)
		die(fifo_path);
	reader_wait();
	reader_got(buf, read(fd, buf, sizeof(buf)));
}

static void fifo_writer(void *arg)
{
	char buf[BUF_SIZE];
	ssize_t n;
	int fd;

	(void)arg;
	fd = open(fifo_path, O_WRONLY);
	if (fd < 0)
		die(fifo_path);
	n = read_file("in", buf, sizeof(buf));
	writer_wait();
	write_all(fd, buf, n);
	writer_done();
}

/* --- sockets: the parent makes the listening or bound socket ------- */

static struct sockaddr_un unix_addr;
static struct sockaddr_in tcp_addr;
static int listener;

static void stream_reader(void *arg)
{
	char buf[BUF_SIZE];
	int fd = accept(listener, NULL, NULL);

	(void)arg;
	if (fd < 0)
		die("accept");
	reader_wait();
	reader_got(buf, read(fd, buf, sizeof(buf)));
}

static void stream_writer(void *arg)
{
	int unix_stream = arg != NULL;
	char buf[BUF_SIZE];
	ssize_t n;
	int fd;

	close(listener);
	fd = socket(unix_stream ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (unix_stream ?
	    connect(fd, (struct sockaddr *)&unix_addr, sizeof(unix_addr)) :
	    connect(fd, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr)))
		die("connect");
	n = read_file("in", buf, sizeof(buf));
	writer_wait();
	write_all(fd, buf, n);
	writer_done();
}

static void dgram_reader(void *arg)
{
	char buf[BUF_SIZE];

	(void)arg;
	reader_wait();
	reader_got(buf, recvfrom(listener, buf, sizeof(buf), 0, NULL, NULL));
}

static void dgram_writer(void *arg)
{
	char buf[BUF_SIZE];
	ssize_t n;
	int fd;

	(void)arg;
	close(listener);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	n = read_file("in", buf, sizeof(buf));
	writer_wait();
	if (sendto(fd, buf, n, 0, (struct sockaddr *)&unix_addr,
		   sizeof(unix_addr)) != n)
		die("sendto");
	writer_done();
}

static void unix_socket(int type)
{
	unix_addr.sun_family = AF_UNIX;
	path_of(unix_addr.sun_path, sizeof(unix_addr.sun_path), "sock");
	unlink(unix_addr.sun_path);
	listener = socket(AF_UNIX, type, 0);
	if (listener < 0)
		die("socket");
	if (bind(listener, (struct sockaddr *)&unix_addr, sizeof(unix_addr)))
		die("bind");
	if (type == SOCK_STREAM && listen(listener, 1))
		die("listen");
}

static void tcp_socket(void)
{
	socklen_t len = sizeof(tcp_addr);
	int one = 1;

	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0)
		die("socket");
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tcp_addr.sin_family = AF_INET;
	tcp_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tcp_addr.sin_port = 0;	/* a free port */
	if (bind(listener, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr)) ||
	    getsockname(listener, (struct sockaddr *)&tcp_addr, &len) ||
	    listen(listener, 1))
		die("tcp listener");
}

static int wait_child(pid_t pid, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "readops %s %s: the %s failed (status %#x)\n",
		channel, mode, who, status);
	return 1;
}

int main(int argc, char **argv)
{
	void (*reader)(void *), (*writer)(void *);
	void *arg = NULL;
	int fds[2];
	pid_t r, w;

	if (argc != 4 || (strcmp(argv[2], "real") && strcmp(argv[2], "control"))) {
		fprintf(stderr, "usage: readops pipe|pipe_aio|pipe_uring|fifo|unix_stream|unix_dgram|tcp real|control DIR\n");
		return 2;
	}
	channel = argv[1];
	mode = argv[2];
	dir = argv[3];
	real = !strcmp(mode, "real");
	if (!strncmp(channel, "pipe", 4)) {
		if (pipe(fds))
			die("pipe");
		if (!strcmp(channel, "pipe_aio")) {
			pipe_read_once = aio_read_once;
		} else if (!strcmp(channel, "pipe_uring")) {
			pipe_read_once = uring_read_once;
		} else if (strcmp(channel, "pipe")) {
			fprintf(stderr, "readops: unknown channel '%s'\n", channel);
			return 2;
		}
		reader = pipe_reader;
		writer = pipe_writer;
		arg = fds;
	} else if (!strcmp(channel, "fifo")) {
		path_of(fifo_path, sizeof(fifo_path), "fifo");
		unlink(fifo_path);
		if (mkfifo(fifo_path, 0600))
			die("mkfifo");
		reader = fifo_reader;
		writer = fifo_writer;
	} else if (!strcmp(channel, "unix_stream")) {
		unix_socket(SOCK_STREAM);
		reader = stream_reader;
		writer = stream_writer;
		arg = &unix_addr;
	} else if (!strcmp(channel, "unix_dgram")) {
		unix_socket(SOCK_DGRAM);
		reader = dgram_reader;
		writer = dgram_writer;
	} else if (!strcmp(channel, "tcp")) {
		tcp_socket();
		reader = stream_reader;
		writer = stream_writer;
	} else {
		fprintf(stderr, "readops: unknown channel '%s'\n", channel);
		return 2;
	}
	r = start(reader, arg);
	w = start(writer, arg);
	if (arg == fds) {
		close(fds[0]);
		close(fds[1]);
	}
	return wait_child(r, "reader") | wait_child(w, "writer");
}
