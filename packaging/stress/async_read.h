/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One read through Linux AIO or through io_uring, without libaio or
 * liburing, for the programs that check that such reads are recorded
 * (packaging/stress/prov-stress.c, Tests/e2e/progs/readops.c).
 *
 * Both functions wait for the read, return what it returned (bytes, 0 at
 * end of file) or -1 with errno set, and release what they set up.
 */
#ifndef PROV_ASYNC_READ_H
#define PROV_ASYNC_READ_H

#include <errno.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* One IOCB_CMD_PREAD of @fd (offset 0: a pipe or socket has none). */
static inline ssize_t aio_read_once(int fd, void *buf, size_t size)
{
	aio_context_t ctx = 0;
	struct iocb cb;
	struct iocb *cbs[1] = { &cb };
	struct io_event ev;
	ssize_t ret = -1;
	int saved;

	if (syscall(__NR_io_setup, 1, &ctx))
		return -1;
	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = fd;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	cb.aio_buf = (uintptr_t)buf;
	cb.aio_nbytes = size;
	if (syscall(__NR_io_submit, ctx, 1, cbs) == 1 &&
	    syscall(__NR_io_getevents, ctx, 1, 1, &ev, NULL) == 1) {
		ret = ev.res;
		if (ret < 0) {
			errno = (int)-ret;
			ret = -1;
		}
	}
	saved = errno;
	syscall(__NR_io_destroy, ctx);
	errno = saved;
	return ret;
}

/* The three areas of a ring of one entry, and the ring's descriptor. */
struct uring_maps {
	int ring;
	void *sq, *cq, *sqes;
	size_t sq_size, cq_size, sqes_size;
};

static inline void uring_unmap(struct uring_maps *m)
{
	int saved = errno;

	if (m->sqes && m->sqes != MAP_FAILED)
		munmap(m->sqes, m->sqes_size);
	if (m->cq && m->cq != MAP_FAILED)
		munmap(m->cq, m->cq_size);
	if (m->sq && m->sq != MAP_FAILED)
		munmap(m->sq, m->sq_size);
	close(m->ring);
	errno = saved;
}

/* One IORING_OP_READ of @fd at its file position, on a ring of its own. */
static inline ssize_t uring_read_once(int fd, void *buf, size_t size)
{
	struct io_uring_params p;
	struct uring_maps m = { 0 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int *sq_tail, *cq_head, *cq_tail;
	ssize_t ret;

	memset(&p, 0, sizeof(p));
	m.ring = syscall(__NR_io_uring_setup, 1, &p);
	if (m.ring < 0)
		return -1;
	m.sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	m.cq_size = p.cq_off.cqes + p.cq_entries * sizeof(*cqe);
	m.sqes_size = p.sq_entries * sizeof(*sqe);
	m.sq = mmap(NULL, m.sq_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    m.ring, IORING_OFF_SQ_RING);
	m.cq = mmap(NULL, m.cq_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    m.ring, IORING_OFF_CQ_RING);
	m.sqes = mmap(NULL, m.sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      m.ring, IORING_OFF_SQES);
	if (m.sq == MAP_FAILED || m.cq == MAP_FAILED || m.sqes == MAP_FAILED) {
		uring_unmap(&m);
		return -1;
	}
	sqe = m.sqes;
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_READ;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)buf;
	sqe->len = size;
	sqe->off = (uint64_t)-1;	/* the file position */
	((unsigned int *)((char *)m.sq + p.sq_off.array))[0] = 0;
	sq_tail = (unsigned int *)((char *)m.sq + p.sq_off.tail);
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	cq_head = (unsigned int *)((char *)m.cq + p.cq_off.head);
	cq_tail = (unsigned int *)((char *)m.cq + p.cq_off.tail);
	if (syscall(__NR_io_uring_enter, m.ring, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0) {
		uring_unmap(&m);
		return -1;
	}
	while (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		if (syscall(__NR_io_uring_enter, m.ring, 0, 1,
			    IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
			uring_unmap(&m);
			return -1;
		}
	}
	cqe = (struct io_uring_cqe *)((char *)m.cq + p.cq_off.cqes) +
	      (*cq_head & (p.cq_entries - 1));
	ret = cqe->res;
	if (ret < 0) {
		errno = (int)-ret;
		ret = -1;
	}
	uring_unmap(&m);
	return ret;
}

#endif /* PROV_ASYNC_READ_H */
