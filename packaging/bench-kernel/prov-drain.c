// SPDX-License-Identifier: GPL-2.0-only
/*
 * prov-drain: the cheapest possible relay reader, for the "kernel only"
 * mode of `make bench-kernel`.
 *
 *   prov-drain [RELAY_DIR]
 *
 * Reads every provenance<cpu> and long_provenance<cpu> file under
 * RELAY_DIR (default /sys/kernel/debug) and throws the bytes away, one
 * thread per CPU, each on the CPU whose files it reads.  Like camflowd it
 * sleeps in poll(2), which relay ends when a sub-buffer is full, for at
 * most 100 ms, and then reads whatever the files hold.  With it in place of camflowd, a benchmark
 * measures what whole-system capture costs in the kernel (the hooks, the
 * records written into relay and the copy out of it) without the
 * recorder's decoding, encoding and log writing.  On SIGTERM or SIGINT it
 * prints the bytes it read to stderr and exits 0; it exits 1 if it found
 * no relay file.
 * Built static on the host and copied into the VM with the harness's --bin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CPUS 64
#define BUF_SIZE (1 << 20)

struct drain {
	int cpu;
	int fds[2];
	int nfds;
	long long bytes;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int open_relay(const char *dir, const char *name, int cpu)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s%d", dir, name, cpu);
	return open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

static void *drain_cpu(void *arg)
{
	struct drain *d = arg;
	char *buf = malloc(BUF_SIZE);
	cpu_set_t set;
	int i;

	if (!buf) {
		fprintf(stderr, "prov-drain: out of memory\n");
		exit(1);
	}
	CPU_ZERO(&set);
	CPU_SET(d->cpu, &set);
	/* relay is written on its own CPU; reading there never races a write */
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "prov-drain: cannot run on CPU %d: %s\n", d->cpu,
			strerror(errno));
	while (!stopping) {
		struct pollfd pfd[2];
		ssize_t n;

		for (i = 0; i < d->nfds; i++) {
			pfd[i].fd = d->fds[i];
			pfd[i].events = POLLIN;
		}
		poll(pfd, d->nfds, 100);
		for (i = 0; i < d->nfds; i++) {
			while ((n = read(d->fds[i], buf, BUF_SIZE)) > 0)
				d->bytes += n;
		}
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct drain drains[MAX_CPUS];
	pthread_t threads[MAX_CPUS];
	const char *dir = argc > 1 ? argv[1] : "/sys/kernel/debug";
	struct sigaction sa;
	long long total = 0;
	int n = 0, cpu;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		struct drain *d = &drains[n];

		d->cpu = cpu;
		d->nfds = 0;
		d->fds[d->nfds] = open_relay(dir, "provenance", cpu);
		if (d->fds[d->nfds] >= 0)
			d->nfds++;
		d->fds[d->nfds] = open_relay(dir, "long_provenance", cpu);
		if (d->fds[d->nfds] >= 0)
			d->nfds++;
		if (d->nfds)
			n++;
	}
	if (!n) {
		fprintf(stderr, "prov-drain: no provenance<cpu> file under %s\n", dir);
		return 1;
	}
	for (cpu = 0; cpu < n; cpu++) {
		if (pthread_create(&threads[cpu], NULL, drain_cpu, &drains[cpu])) {
			fprintf(stderr, "prov-drain: cannot start a thread\n");
			return 1;
		}
	}
	for (cpu = 0; cpu < n; cpu++) {
		pthread_join(threads[cpu], NULL);
		total += drains[cpu].bytes;
	}
	fprintf(stderr, "prov-drain: %lld bytes from %d CPUs\n", total, n);
	return 0;
}
