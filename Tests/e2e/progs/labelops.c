// SPDX-License-Identifier: GPL-2.0-only
/*
 * labelops: an application's own IPv4 options next to provenance labels
 * (Tests/e2e/test_net_label.py).
 *
 *   labelops ipopts HOST PORT FILE
 *     sets IP_OPTIONS (NOP NOP NOP EOL) on a TCP socket, connects to
 *     HOST:PORT (retrying for 60 s), sends FILE, then prints what
 *     getsockopt(IP_OPTIONS) returns, in hex, on stdout.  With labels on,
 *     such packets go out with the application's options only (the label is
 *     skipped, counted in label_stats) and getsockopt returns exactly the
 *     options that were set.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "labelops: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	static const unsigned char opts[4] = { 1, 1, 1, 0 };
	unsigned char got[40], buf[65536];
	struct sockaddr_in in = { .sin_family = AF_INET };
	socklen_t len = sizeof(got);
	int fd = -1, file, i;
	ssize_t n;

	if (argc != 5 || strcmp(argv[1], "ipopts")) {
		fprintf(stderr, "usage: labelops ipopts HOST PORT FILE\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &in.sin_addr) != 1) {
		fprintf(stderr, "labelops: not an IPv4 address: %s\n", argv[2]);
		return 2;
	}
	in.sin_port = htons(atoi(argv[3]));
	for (i = 0; i < 600; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opts, sizeof(opts)))
			die("setsockopt IP_OPTIONS");
		if (!connect(fd, (struct sockaddr *)&in, sizeof(in)))
			break;
		close(fd);
		fd = -1;
		usleep(100000);
	}
	if (fd < 0)
		die("connect");
	file = open(argv[4], O_RDONLY);
	if (file < 0)
		die(argv[4]);
	while ((n = read(file, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			die("write");
	if (getsockopt(fd, IPPROTO_IP, IP_OPTIONS, got, &len))
		die("getsockopt IP_OPTIONS");
	for (i = 0; i < (int)len; i++)
		printf("%02x", got[i]);
	printf("\n");
	close(fd);
	return 0;
}
