// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket operations for Tests/e2e/test_net_local.py, one per run:
 *
 *   netops OP real|control
 *
 * OP is unix_stream, unix_early, unix_dgram, socketpair, abstract, tcp,
 * udp, tcp6,
 * tcp_record or tcp_track (tcp on 127.0.0.1 ports 7410 and 7411, which
 * the workload puts in the ipv4 egress list with op record and track).
 * Robustness runs (real only, no files): "refused" (connect to a closed
 * loopback port must fail with ECONNREFUSED), "reset" (the server closes
 * with SO_LINGER 0: the client must see ECONNRESET), "fragments" (one
 * 6000-byte UDP datagram, fragmented when lo's MTU is small) and "flood"
 * (2000 UDP datagrams).
 *
 * Between two guests (Tests/e2e/test_net_pair.py):
 *   netops recv TCP_OUT UDP_OUT    binds UDP 7602, listens on TCP 7601,
 *                                  writes what one connection sends to
 *                                  TCP_OUT, then one datagram to UDP_OUT
 *   netops send HOST TCP_IN UDP_IN connects to HOST:7601 (retrying for
 *                                  60 s), sends TCP_IN, then UDP_IN as one
 *                                  datagram to HOST:7602
 *   netops recv6 TCP_OUT           listens on TCP [::]:7603, writes what one
 *                                  connection sends to TCP_OUT
 *   netops send6 HOST6 TCP_IN      connects to [HOST6]:7603 (retrying for
 *                                  60 s) and sends TCP_IN
 * The real run moves /tmp/net/OP.in to /tmp/net/OP-real.out through the
 * sockets of OP, between two processes (the parent receives, a forked
 * child sends).  The control run forks the same child and writes the same
 * output file, but copies the input itself: no socket is made.  Stream
 * servers send one byte "ready" after accept, so the client sends only
 * to an accepted socket, except in unix_early: there the client sends
 * on a UNIX stream before the server accepts (it tells the server
 * through a pipe that it sent), so the server's end has no socket yet
 * when the data is queued.  Exits non-zero with a message naming the failing
 * call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR "/tmp/net/"

static const char *op;

static void die(const char *what)
{
	fprintf(stderr, "netops %s: %s: %s\n", op, what, strerror(errno));
	exit(1);
}

static size_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		die(path);
	n = read(fd, buf, size);
	if (n < 0)
		die("read input");
	close(fd);
	return n;
}

static void write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path);
	if (write(fd, buf, len) != (ssize_t)len)
		die("write output");
	close(fd);
}

/*
 * Read until end of file (or one datagram when @dgram), waiting in poll()
 * before each recv as event loops do.
 */
static size_t receive_all(int fd, char *buf, size_t size, int dgram)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	do {
		if (poll(&p, 1, -1) != 1)
			die("poll");
		n = recv(fd, buf + got, size - got, 0);
		if (n < 0)
			die("recv");
		got += n;
	} while (n > 0 && !dgram && got < size);
	return got;
}

static socklen_t unix_address(struct sockaddr_un *a, const char *path,
			      int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (abstract) {
		strcpy(a->sun_path + 1, path);
		return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
	}
	strcpy(a->sun_path, path);
	return sizeof(*a);
}

static socklen_t address(struct sockaddr_storage *ss, int *family, int *type)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	*type = SOCK_STREAM;
	if (!strcmp(op, "unix_stream") || !strcmp(op, "unix_early") ||
	    !strcmp(op, "unix_dgram")) {
		*family = AF_UNIX;
		if (!strcmp(op, "unix_dgram"))
			*type = SOCK_DGRAM;
		return unix_address((struct sockaddr_un *)ss,
				    DIR "netops.sock", 0);
	}
	if (!strcmp(op, "abstract")) {
		*family = AF_UNIX;
		return unix_address((struct sockaddr_un *)ss,
				    "camflow-netops", 1);
	}
	if (!strcmp(op, "tcp6")) {
		*family = AF_INET6;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(7406);
		in6->sin6_addr = in6addr_loopback;
		return sizeof(*in6);
	}
	*family = AF_INET;
	if (!strcmp(op, "udp"))
		*type = SOCK_DGRAM;
	in->sin_family = AF_INET;
	in->sin_port = htons(!strcmp(op, "udp") ? 7405 :
			     !strcmp(op, "tcp_record") ? 7410 :
			     !strcmp(op, "tcp_track") ? 7411 : 7404);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sizeof(*in);
}

/*
 * The sender: the input file into the socket.  @sent: in unix_early, the
 * pipe to tell the server that the data is queued.
 */
static void client(int real, const char *in, int sent)
{
	struct sockaddr_storage ss;
	int family, type, fd;
	socklen_t len;
	char buf[4096];
	size_t n;

	n = read_file(in, buf, sizeof(buf));
	if (!real)
		exit(0);
	len = address(&ss, &family, &type);
	fd = socket(family, type, 0);
	if (fd < 0)
		die("socket");
	if (type == SOCK_DGRAM) {
		/* unix_dgram: sendto without connect; udp: connect. */
		if (family == AF_INET && connect(fd, (void *)&ss, len))
			die("connect");
		if (sendto(fd, buf, n, 0, family == AF_INET ? NULL : (void *)&ss,
			   family == AF_INET ? 0 : len) != (ssize_t)n)
			die("sendto");
		exit(0);
	}
	if (connect(fd, (void *)&ss, len))
		die("connect");
	if (sent < 0 && recv(fd, buf + n, 1, 0) != 1)
		die("recv ready");
	if (send(fd, buf, n, 0) != (ssize_t)n)
		die("send");
	if (sent >= 0 && write(sent, "s", 1) != 1)
		die("write sent");
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	/* Wait for the server to close. */
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	exit(0);
}

static int server(int *listener)
{
	struct sockaddr_storage ss;
	int family, type, fd, one = 1;
	socklen_t len;

	len = address(&ss, &family, &type);
	if (family == AF_UNIX)
		unlink(DIR "netops.sock");
	fd = socket(family, type, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&ss, len))
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 4))
		die("listen");
	*listener = type == SOCK_STREAM;
	return fd;
}

/* A UDP socket bound to 127.0.0.1:@port, or connected to it. */
static int udp_socket(int port, int do_bind)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	in.sin_port = htons(port);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (do_bind ? bind(fd, (void *)&in, sizeof(in)) :
		      connect(fd, (void *)&in, sizeof(in)))
		die(do_bind ? "bind" : "connect");
	return fd;
}

static int robustness(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	static char buf[6000];
	int fd, srv, conn, i;

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!strcmp(op, "refused")) {
		in.sin_port = htons(7409);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (void *)&in, sizeof(in)) || errno != ECONNREFUSED)
			die("connect to a closed port did not fail with ECONNREFUSED");
		return 0;
	}
	if (!strcmp(op, "reset")) {
		in.sin_port = htons(7408);
		srv = socket(AF_INET, SOCK_STREAM, 0);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		i = 1;
		setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &i, sizeof(i));
		if (srv < 0 || fd < 0 || bind(srv, (void *)&in, sizeof(in)) ||
		    listen(srv, 1) || connect(fd, (void *)&in, sizeof(in)))
			die("reset setup");
		conn = accept(srv, NULL, NULL);
		if (conn < 0 ||
		    setsockopt(conn, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
			die("accept/SO_LINGER");
		close(conn);
		if (recv(fd, buf, 1, 0) >= 0 || errno != ECONNRESET)
			die("recv after a reset did not fail with ECONNRESET");
		return 0;
	}
	if (!strcmp(op, "fragments") || !strcmp(op, "flood")) {
		int big = !strcmp(op, "fragments");
		int count = big ? 1 : 2000, got = 0;

		srv = udp_socket(7407, 1);
		fd = udp_socket(7407, 0);
		for (i = 0; i < count; i++) {
			if (send(fd, buf, big ? sizeof(buf) : 64, 0) < 0)
				die("send");
			/* Drain as we go: the receive queue stays short. */
			while (recv(srv, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				got++;
		}
		/* What is still on its way (reassembly, softirq backlog). */
		for (;;) {
			struct pollfd p = { .fd = srv, .events = POLLIN };

			if (poll(&p, 1, 2000) != 1)
				break;
			if (recv(srv, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				got++;
		}
		printf("%s: %d sent, %d received\n", op, count, got);
		if (big && got != 1)
			die("the fragmented datagram did not arrive");
		return 0;
	}
	return -1;
}

static void pair_recv(const char *tcp_out, const char *udp_out)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	int udp, srv, conn, one = 1;
	char buf[4096];
	size_t n;

	udp = socket(AF_INET, SOCK_DGRAM, 0);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (udp < 0 || srv < 0)
		die("socket");
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	in.sin_port = htons(7602);
	if (bind(udp, (void *)&in, sizeof(in)))
		die("bind udp");
	in.sin_port = htons(7601);
	if (bind(srv, (void *)&in, sizeof(in)) || listen(srv, 1))
		die("bind/listen tcp");
	conn = accept(srv, NULL, NULL);
	if (conn < 0)
		die("accept");
	n = receive_all(conn, buf, sizeof(buf), 0);
	close(conn);
	write_file(tcp_out, buf, n);
	n = receive_all(udp, buf, sizeof(buf), 1);
	write_file(udp_out, buf, n);
}

/* One TCP connection over IPv6 on port 7603: what it sends to @tcp_out. */
static void pair_recv6(const char *tcp_out)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	int srv, conn, one = 1;
	char buf[4096];
	size_t n;

	srv = socket(AF_INET6, SOCK_STREAM, 0);
	if (srv < 0)
		die("socket");
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	in6.sin6_port = htons(7603);
	in6.sin6_addr = in6addr_any;
	if (bind(srv, (void *)&in6, sizeof(in6)) || listen(srv, 1))
		die("bind/listen tcp6");
	conn = accept(srv, NULL, NULL);
	if (conn < 0)
		die("accept");
	n = receive_all(conn, buf, sizeof(buf), 0);
	close(conn);
	write_file(tcp_out, buf, n);
}

static void pair_send6(const char *host, const char *tcp_in)
{
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };
	char buf[4096];
	int fd, i;
	size_t n;

	if (inet_pton(AF_INET6, host, &in6.sin6_addr) != 1) {
		fprintf(stderr, "netops send6: not an IPv6 address: %s\n", host);
		exit(2);
	}
	in6.sin6_port = htons(7603);
	for (i = 0;; i++) {
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (void *)&in6, sizeof(in6)))
			break;
		if (i == 60)
			die("connect");
		close(fd);
		sleep(1);
	}
	n = read_file(tcp_in, buf, sizeof(buf));
	if (send(fd, buf, n, 0) != (ssize_t)n)
		die("send");
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
}

static void pair_send(const char *host, const char *tcp_in, const char *udp_in)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	char buf[4096];
	int fd, i;
	size_t n;

	if (inet_pton(AF_INET, host, &in.sin_addr) != 1) {
		fprintf(stderr, "netops send: not an IPv4 address: %s\n", host);
		exit(2);
	}
	in.sin_port = htons(7601);
	for (i = 0;; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (void *)&in, sizeof(in)))
			break;
		if (i == 60)
			die("connect");
		close(fd);
		sleep(1);
	}
	n = read_file(tcp_in, buf, sizeof(buf));
	if (send(fd, buf, n, 0) != (ssize_t)n)
		die("send");
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
	/* The receiver bound its UDP port before it accepted. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	in.sin_port = htons(7602);
	if (fd < 0 || connect(fd, (void *)&in, sizeof(in)))
		die("udp connect");
	n = read_file(udp_in, buf, sizeof(buf));
	if (send(fd, buf, n, 0) != (ssize_t)n)
		die("udp send");
}

int main(int argc, char **argv)
{
	char in[256], out[256], buf[4096];
	int real, fd, conn, listener = 0, sv[2], early[2] = { -1, -1 }, status;
	size_t n = 0;
	pid_t child;

	op = argc > 1 ? argv[1] : "";
	if (argc == 4 && !strcmp(op, "recv")) {
		pair_recv(argv[2], argv[3]);
		return 0;
	}
	if (argc == 5 && !strcmp(op, "send")) {
		pair_send(argv[2], argv[3], argv[4]);
		return 0;
	}
	if (argc == 3 && !strcmp(op, "recv6")) {
		pair_recv6(argv[2]);
		return 0;
	}
	if (argc == 4 && !strcmp(op, "send6")) {
		pair_send6(argv[2], argv[3]);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[2], "real") && strcmp(argv[2], "control"))) {
		fprintf(stderr, "usage: netops OP real|control | recv TCP_OUT UDP_OUT | send HOST TCP_IN UDP_IN | recv6 TCP_OUT | send6 HOST6 TCP_IN\n");
		return 2;
	}
	op = argv[1];
	real = !strcmp(argv[2], "real");
	if (robustness() == 0)
		return 0;
	snprintf(in, sizeof(in), DIR "%s.in", op);
	snprintf(out, sizeof(out), DIR "%s-%s.out", op, argv[2]);
	if (!strcmp(op, "socketpair")) {
		if (real && socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
		child = fork();
		if (child < 0)
			die("fork");
		if (!child) {
			n = read_file(in, buf, sizeof(buf));
			if (real && write(sv[1], buf, n) != (ssize_t)n)
				die("write socketpair");
			exit(0);
		}
		if (real) {
			close(sv[1]);
			n = receive_all(sv[0], buf, sizeof(buf), 0);
		} else {
			n = read_file(in, buf, sizeof(buf));
		}
	} else {
		fd = real ? server(&listener) : -1;
		if (real && !strcmp(op, "unix_early") && pipe(early))
			die("pipe");
		child = fork();
		if (child < 0)
			die("fork");
		if (!child)
			client(real, in, early[1]);
		if (!real) {
			n = read_file(in, buf, sizeof(buf));
		} else if (listener) {
			/* unix_early: accept once the client's data is queued */
			if (early[0] >= 0 && read(early[0], buf, 1) != 1)
				die("read sent");
			conn = accept(fd, NULL, NULL);
			if (conn < 0)
				die("accept");
			if (early[0] < 0 && send(conn, "r", 1, 0) != 1)
				die("send ready");
			n = receive_all(conn, buf, sizeof(buf), 0);
			close(conn);
		} else {
			n = receive_all(fd, buf, sizeof(buf), 1);
		}
	}
	if (waitpid(child, &status, 0) != child || status)
		die("child");
	write_file(out, buf, n);
	return 0;
}
