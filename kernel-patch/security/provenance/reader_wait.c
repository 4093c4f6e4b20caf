// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - output: writers waiting for the reader
 *
 * relay.c owns the channels and the boot buffer and calls in here as it
 * writes records; this file decides who waits for the reader, for what
 * and for how long (below).
 */

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/relay.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/task_work.h>

#include "reader_wait.h"
#include "relay.h"

/* A writer stops waiting when the reader read nothing for this long. */
#define PROV_STALL_MS		1000
/* Bound of provenance.relay_wait_ms. */
#define PROV_RELAY_WAIT_MAX_MS	10000

/*
 * provenance.relay_wait_ms=N: how long, at most, a task whose records
 * filled a CPU's buffers past half waits for the reader on its way back to
 * user space (0: never wait, records that find no room are dropped).
 */
static unsigned int prov_relay_wait_ms = 5000;
module_param_named(relay_wait_ms, prov_relay_wait_ms, uint, 0444);
MODULE_PARM_DESC(relay_wait_ms, "longest wait for the reader per return to user space");

/*
 * Waiting for the reader.  A record that finds its CPU's buffer full is
 * lost, so the tasks that fill the buffers wait for the reader instead, as
 * audit's backlog does: a task that writes a record into a channel more
 * than half full queues a task work (once: each CPU remembers the last
 * task it queued one for) and, on its way back to user space (where it
 * holds no lock), sleeps until the buffers of that CPU are at most half
 * full again, for at most provenance.relay_wait_ms.  While the boot
 * buffer is replayed (after relay_conf, before output is live), the same
 * holds for the backlog: a task whose record joins a backlog more than
 * half its bound waits until the replay brought it back to half, or
 * output is live.  Records written by interrupts (packets) make nobody
 * wait: the task they interrupt may be the reader itself.  Kernel
 * threads (the replay's worker among them), io_uring workers and exiting
 * tasks never wait either, nor does anybody before the reader read from
 * the buffers waited for (camflowd, starting, writes records until it
 * made itself opaque, and must not wait for its own reading).  A reader
 * that reads nothing for PROV_STALL_MS is taken as gone (camflowd
 * stopped) or as waiting for the waiting task (a local MQTT broker that
 * is itself recorded): the task goes on, and nobody waits for that CPU
 * (or the backlog) again until it is back at half full, so a dead
 * recorder costs drops, as before, and not time.
 */
struct prov_relay_wait {
	struct callback_head work;
	unsigned int cpu;	/* the CPU that queued it (whose buffers) */
	bool backlog;		/* waits for the boot buffer's replay */
};

/* Set when a CPU's reader stalled, until its buffers are half full again. */
static DEFINE_PER_CPU(bool, prov_reader_stalled);
/* Set when the replay stalled, until the backlog is half its bound again. */
static bool prov_backlog_stalled;
/* The last task made to wait for a CPU's reader, until its wait ends. */
static DEFINE_PER_CPU(struct task_struct *, prov_last_waiter);

/* Whether what @w waits for happened. */
static bool prov_wait_done(const struct prov_relay_wait *w)
{
	if (w->backlog)
		return prov_relay_live() || !prov_backlog_over_half();
	return prov_relay_headroom(w->cpu);
}

/* The progress of the reader @w waits for: changes as it reads. */
static u64 prov_wait_progress(const struct prov_relay_wait *w)
{
	if (w->backlog)
		return prov_backlog_replayed();
	return prov_relay_consumed(w->cpu);
}

static void prov_relay_wait_fn(struct callback_head *work)
{
	struct prov_relay_wait *w = container_of(work, struct prov_relay_wait,
						 work);
	unsigned long end, stall;
	u64 progress, now;

	/* From here on, records of this task may make it wait again. */
	cmpxchg(per_cpu_ptr(&prov_last_waiter, w->cpu), current, NULL);
	end = jiffies + msecs_to_jiffies(min_t(unsigned int, prov_relay_wait_ms,
					     PROV_RELAY_WAIT_MAX_MS));
	stall = jiffies + msecs_to_jiffies(PROV_STALL_MS);
	progress = prov_wait_progress(w);
	while (!prov_wait_done(w) && time_before(jiffies, end) &&
	       !fatal_signal_pending(current)) {
		now = prov_wait_progress(w);
		if (now != progress) {
			progress = now;
			stall = jiffies + msecs_to_jiffies(PROV_STALL_MS);
		} else if (time_after(jiffies, stall)) {
			if (w->backlog)
				WRITE_ONCE(prov_backlog_stalled, true);
			else
				per_cpu(prov_reader_stalled, w->cpu) = true;
			break;
		}
		usleep_range(200, 1000);
	}
	kfree(w);
}

/*
 * Make current wait, on its way back to user space, for the buffers of
 * the current CPU (@backlog false) or for the replay of the backlog.
 * Called with interrupts off.
 */
static void prov_queue_wait(bool backlog)
{
	struct prov_relay_wait *w;

	if (!prov_relay_wait_ms || !in_task() ||
	    current->flags & (PF_KTHREAD | PF_IO_WORKER | PF_EXITING))
		return;
	if (__this_cpu_read(prov_last_waiter) == current ||
	    !prov_relay_consumed(backlog ? prov_backlog_cpu() :
				 smp_processor_id()))
		return;
	w = kmalloc(sizeof(*w), GFP_ATOMIC | __GFP_NOWARN);
	if (!w)
		return;
	init_task_work(&w->work, prov_relay_wait_fn);
	w->cpu = smp_processor_id();
	w->backlog = backlog;
	if (task_work_add(current, &w->work, TWA_RESUME))
		kfree(w);
	else
		__this_cpu_write(prov_last_waiter, current);
}

/*
 * Called with interrupts off by the CPU that owns @buf, before each record
 * it writes there: three loads and a compare unless the buffer is more
 * than half full or the reader stalled.
 */
void prov_wait_relay(struct rchan_buf *buf)
{
	unsigned int cpu = buf->cpu;

	if (unlikely(__this_cpu_read(prov_reader_stalled))) {
		if (!prov_relay_headroom(cpu))
			return;
		__this_cpu_write(prov_reader_stalled, false);
	}
	if (buf->subbufs_produced - buf->subbufs_consumed <=
	    buf->chan->n_subbufs / 2)
		return;
	prov_queue_wait(false);
}

/*
 * Called with the boot buffer's lock held after a record joined the
 * backlog, from relay_conf on (there is a reader): a backlog more than
 * half its bound makes the writer wait for the replay.
 */
void prov_wait_backlog(void)
{
	if (!prov_backlog_over_half()) {
		WRITE_ONCE(prov_backlog_stalled, false);
		return;
	}
	if (!READ_ONCE(prov_backlog_stalled))
		prov_queue_wait(true);
}
