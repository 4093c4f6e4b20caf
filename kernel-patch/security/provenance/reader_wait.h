/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - output: writers waiting for the reader
 *
 * reader_wait.c decides when a task waits; relay.c, which owns the
 * channels and the boot buffer, tells it how full they are.
 */

#ifndef _SECURITY_PROVENANCE_READER_WAIT_H
#define _SECURITY_PROVENANCE_READER_WAIT_H

#include <linux/relay.h>
#include <linux/types.h>

/* reader_wait.c: called by relay.c as records are written. */
void prov_wait_relay(struct rchan_buf *buf);
void prov_wait_backlog(void);

/* relay.c: the state the waits look at. */
bool prov_relay_headroom(unsigned int cpu);
size_t prov_relay_consumed(unsigned int cpu);
bool prov_backlog_over_half(void);
u64 prov_backlog_replayed(void);
unsigned int prov_backlog_cpu(void);

#endif /* _SECURITY_PROVENANCE_READER_WAIT_H */
