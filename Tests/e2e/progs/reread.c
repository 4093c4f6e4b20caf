// SPDX-License-Identifier: GPL-2.0-only
/*
 * reread FILE OUT: read FILE through one descriptor several times, wait
 * for FILE to change, read it again the same way and copy what it read
 * last to OUT (Tests/e2e/test_economy.py).  The repeated reads are the
 * economy's repeated-read path; the read after the change must still be
 * recorded, as the file is then a new version.  The wait is a sleep: no
 * file, pipe or signal tells this process that the file changed, so the
 * only flow from the writer into OUT is the file itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static ssize_t read_all(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		die("pread");
	buf[n] = '\0';
	return n;
}

int main(int argc, char **argv)
{
	char first[256], buf[256];
	struct timespec wait = { .tv_sec = 0, .tv_nsec = 100000000 };
	ssize_t n = 0;
	int fd, out, i;

	if (argc != 3) {
		fprintf(stderr, "usage: reread FILE OUT\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die(argv[1]);
	for (i = 0; i < 5; i++)
		read_all(fd, first, sizeof(first));
	/* at most 20 s for the writer to change the file */
	for (i = 0; i < 200; i++) {
		nanosleep(&wait, NULL);
		n = read_all(fd, buf, sizeof(buf));
		/* not the moment between the writer's truncation and write */
		if (n > 0 && strcmp(buf, first))
			break;
	}
	if (i == 200) {
		fprintf(stderr, "reread: %s did not change\n", argv[1]);
		return 1;
	}
	for (i = 0; i < 5; i++)
		n = read_all(fd, buf, sizeof(buf));
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || write(out, buf, n) != n || close(out))
		die(argv[2]);
	return 0;
}
