// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - output: relay channels and the boot buffer
 *
 * Records go to two relay channels, one file per CPU in the debugfs root:
 * "provenance<cpu>" for relations and fixed-size nodes, and
 * "long_provenance<cpu>" for records carrying a payload and the machine
 * record.  The channels are opened when userspace writes relay_conf.
 * Until then records are kept, in order, in the boot buffer: chunks
 * allocated without sleeping as it grows, up to a bound in bytes
 * (provenance.boot_buffer=SIZE, PROV_BOOT_BUFFER_DEFAULT).  When the
 * channels open, a worker replays the backlog into the buffers of one CPU,
 * waiting for the reader to make room, frees each chunk once it is sent,
 * and switches to live output when the backlog is empty; records emitted
 * meanwhile join the end of the backlog, so the order is kept, and the
 * tasks writing them wait while the backlog is more than half its bound.
 * When a channel or the boot buffer is full the record is lost and counted
 * (no overwriting), unless the writer can wait (reader_wait.c).
 */

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/relay.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "common.h"
#include "objects.h"
#include "reader_wait.h"
#include "record.h"
#include "relay.h"
#include "type.h"

/* Records moved from the boot buffer to relay per lock hold. */
#define PROV_DRAIN_BATCH	256
/* Boot buffer chunk: an order-3 allocation holds at least 3 records. */
#define PROV_BOOT_CHUNK_SIZE	(PAGE_SIZE << 3)
/*
 * How long the replay waits for the reader when relay is full: from
 * PROV_DRAIN_WAIT_MIN_US, doubling up to PROV_DRAIN_WAIT_MAX_US while the
 * reader makes no room (camflowd not started yet), back to the minimum as
 * soon as it does, so that a busy boot's backlog drains at the reader's
 * pace and not at one buffer per sleep.
 */
#define PROV_DRAIN_WAIT_MIN_US	500
#define PROV_DRAIN_WAIT_MAX_US	20000

/* Records are packed, 8-byte aligned, from data[0] to data[used]. */
struct prov_boot_chunk {
	struct list_head list;
	u32 used;		/* bytes written */
	u32 sent;		/* bytes replayed */
	u64 data[];
};

#define PROV_BOOT_CHUNK_DATA \
	(PROV_BOOT_CHUNK_SIZE - offsetof(struct prov_boot_chunk, data))

static struct rchan *prov_chan;
static struct rchan *prov_long_chan;
/* Set once the backlog is drained: records go straight to relay. */
static bool prov_is_live;
static bool prov_written;
static u32 prov_conf_boot;
static u32 prov_conf_machine;
static atomic64_t prov_dropped = ATOMIC64_INIT(0);
/* Records written to relay, per CPU (summed when read). */
static DEFINE_PER_CPU(u64, prov_sent);
/* Of those, node records ending in a version link, per CPU. */
static DEFINE_PER_CPU(u64, prov_links);

/* Serialises relay_conf writes. */
static DEFINE_MUTEX(prov_conf_mutex);
/* Protects the boot buffer and the switch to live output. */
static DEFINE_SPINLOCK(prov_boot_lock);
static LIST_HEAD(prov_boot_list);
/* Bytes allocated for the boot buffer, and its bound (0: the default). */
static size_t prov_boot_bytes;
static unsigned long prov_boot_limit;
static u64 prov_boot_records;
static u64 prov_boot_record_bytes;
static u64 prov_boot_lost;
/* Bytes replayed from the boot buffer so far: the replay's progress. */
static u64 prov_boot_replayed;
/* Set (release) once relay_conf wrote the ids of this boot. */
static bool prov_configured;
/* The CPU whose buffers receive the backlog (set before prov_configured). */
static unsigned int prov_drain_cpu;

static void prov_drain_work_fn(struct work_struct *work);
static DECLARE_WORK(prov_drain_work, prov_drain_work_fn);

/*
 * provenance.boot_buffer=SIZE (K, M, G suffixes): the bound of the boot
 * buffer in bytes; at least PROV_BOOT_BUFFER_MIN.
 */
static int prov_boot_buffer_set(const char *val, const struct kernel_param *kp)
{
	unsigned long long size;
	char *end;

	size = memparse(val, &end);
	if (end == val || (*end && *end != '\n'))
		return -EINVAL;
	*(unsigned long *)kp->arg = max_t(unsigned long long, size,
					  PROV_BOOT_BUFFER_MIN);
	return 0;
}

static const struct kernel_param_ops prov_boot_buffer_ops = {
	.set = prov_boot_buffer_set,
	.get = param_get_ulong,
};
module_param_cb(boot_buffer, &prov_boot_buffer_ops, &prov_boot_limit, 0444);
MODULE_PARM_DESC(boot_buffer, "bytes of records kept until relay_conf");

/* The bound in bytes: at most a quarter (default: an eighth) of RAM. */
static size_t prov_boot_bound(void)
{
	size_t ram = (size_t)totalram_pages() << PAGE_SHIFT;

	if (!prov_boot_limit)
		prov_boot_limit = min_t(size_t, PROV_BOOT_BUFFER_DEFAULT,
					ram / 8);
	return min_t(size_t, prov_boot_limit, ram / 4);
}

void prov_drop(void)
{
	atomic64_inc(&prov_dropped);
}

u64 prov_drop_count(void)
{
	return atomic64_read(&prov_dropped);
}

static u64 prov_percpu_sum(u64 __percpu *counter)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(counter, cpu));
	return sum;
}

u64 prov_sent_count(void)
{
	return prov_percpu_sum(&prov_sent);
}

u64 prov_links_count(void)
{
	return prov_percpu_sum(&prov_links);
}

bool prov_relay_live(void)
{
	/* Pairs with the release in prov_drain_batch(). */
	return smp_load_acquire(&prov_is_live);
}

bool prov_relay_written(void)
{
	return READ_ONCE(prov_written);
}

/* The ids are known from relay_conf on, while the backlog still drains. */
u32 prov_boot_id(void)
{
	/* Pairs with the release in prov_relay_start(). */
	return smp_load_acquire(&prov_configured) ? prov_conf_boot : 0;
}

u32 prov_machine_id(void)
{
	/* Pairs with the release in prov_relay_start(). */
	return smp_load_acquire(&prov_configured) ? prov_conf_machine : 0;
}

static void prov_tighten_id(union prov_identifier *id)
{
	struct prov_node_identifier *n = &id->node;

	if (!n->type || n->type == ENT_PACKET)
		return;
	if (!n->boot_id)
		n->boot_id = prov_conf_boot;
	if (!n->machine_id)
		n->machine_id = prov_conf_machine;
}

/* Fill in the ids of this boot where they are still 0. */
static void prov_tighten(void *record)
{
	struct prov_record_header *hdr = record;

	if (hdr->kind == PROV_KIND_RELATION) {
		struct prov_relation_record *r = record;

		prov_tighten_id(&r->elt.identifier);
		prov_tighten_id(&r->snd);
		prov_tighten_id(&r->rcv);
		return;
	}
	/* Every node record starts with the node prefix. */
	prov_tighten_id(&((struct prov_node_prefix *)record)->elt.identifier);
	prov_tighten_id(&((struct prov_node_prefix *)record)->node.name_id);
	if (hdr->kind == PROV_KIND_DISC)
		prov_tighten_id(&((struct prov_disc_record *)record)->parent);
}

/* Time of the record. */
static void prov_stamp(void *record)
{
	struct prov_node_prefix *p = record;

	p->hdr.time_ns = ktime_get_real_ns();
	p->elt.jiffies = get_jiffies_64();
}

/*
 * Write one record to the buffer of a channel on @cpu, or on the current
 * CPU if @cpu is negative.  Only the CPU owning a buffer writes to it,
 * except while the boot buffer is drained, when nothing else writes.
 * The record is hdr.size bytes: the first hdr.size - @tail_len at
 * @record, then @tail_len bytes at @tail.
 */
static void prov_relay_out_tail(const void *record, const void *tail,
				u32 tail_len, int cpu)
{
	const struct prov_record_header *hdr = record;
	struct rchan *chan;
	struct rchan_buf *buf;
	unsigned long flags;
	size_t len = hdr->size;

	chan = prov_kind_is_long(hdr->kind) ? prov_long_chan : prov_chan;
	local_irq_save(flags);
	if (cpu < 0)
		buf = *this_cpu_ptr(chan->buf);
	else
		buf = *per_cpu_ptr(chan->buf, cpu);
	if (unlikely(!buf))
		goto drop;
	if (cpu < 0)
		prov_wait_relay(buf);
	if (unlikely(buf->offset + len > chan->subbuf_size) &&
	    !relay_switch_subbuf(buf, len))
		goto drop;
	memcpy(buf->data + buf->offset, record, len - tail_len);
	if (tail_len)
		memcpy(buf->data + buf->offset + len - tail_len, tail,
		       tail_len);
	buf->offset += len;
	__this_cpu_inc(prov_sent);
	if (hdr->flags & PROV_RECORD_VERSIONED)
		__this_cpu_inc(prov_links);
	local_irq_restore(flags);
	if (unlikely(!READ_ONCE(prov_written)))
		WRITE_ONCE(prov_written, true);
	return;
drop:
	local_irq_restore(flags);
	prov_drop();
}

static void prov_relay_out_cpu(const void *record, int cpu)
{
	prov_relay_out_tail(record, NULL, 0, cpu);
}

/*
 * Keep a record (@size bytes, the last @tail_len of them at @tail) in the
 * boot buffer.  Called with prov_boot_lock held.
 */
static void prov_boot_keep(const void *record, const void *tail,
			   u32 tail_len, u32 size)
{
	struct prov_boot_chunk *c = NULL;

	if (!list_empty(&prov_boot_list))
		c = list_last_entry(&prov_boot_list, struct prov_boot_chunk,
				    list);
	if (!c || c->used + size > PROV_BOOT_CHUNK_DATA) {
		if (prov_boot_bytes + PROV_BOOT_CHUNK_SIZE > prov_boot_bound())
			goto drop;
		c = kmalloc(PROV_BOOT_CHUNK_SIZE, GFP_NOWAIT | __GFP_NOWARN);
		if (!c)
			goto drop;
		c->used = 0;
		c->sent = 0;
		list_add_tail(&c->list, &prov_boot_list);
		WRITE_ONCE(prov_boot_bytes,
			   prov_boot_bytes + PROV_BOOT_CHUNK_SIZE);
	}
	memcpy((u8 *)c->data + c->used, record, size - tail_len);
	if (tail_len)
		memcpy((u8 *)c->data + c->used + size - tail_len, tail,
		       tail_len);
	c->used += size;
	prov_boot_records++;
	prov_boot_record_bytes += size;
	return;
drop:
	prov_boot_lost++;
	prov_drop();
}

/*
 * Send a record of hdr.size bytes: the first hdr.size - @tail_len at
 * @record (a relation or a node record starting with the node prefix),
 * the rest at @tail.  Stamps the time, may run in any context.
 */
static void prov_emit_tail(void *record, const void *tail, u32 tail_len)
{
	struct prov_node_prefix *p = record;
	unsigned long flags;
	u32 size = p->hdr.size;

	if (WARN_ON_ONCE(size > PROV_RECORD_MAX || size % PROV_RECORD_ALIGN ||
			 size < sizeof(p->hdr) + sizeof(p->elt) + tail_len))
		return;
	if (likely(prov_relay_live())) {
		prov_stamp(record);
		prov_tighten(record);
		prov_relay_out_tail(record, tail, tail_len, -1);
		return;
	}
	spin_lock_irqsave(&prov_boot_lock, flags);
	/* Stamped under the lock: the backlog is in time order. */
	prov_stamp(record);
	if (prov_is_live) {
		/* The backlog went out while we waited for the lock. */
		spin_unlock_irqrestore(&prov_boot_lock, flags);
		prov_tighten(record);
		prov_relay_out_tail(record, tail, tail_len, -1);
		return;
	}
	prov_boot_keep(record, tail, tail_len, size);
	/*
	 * From relay_conf on there is a reader to wait for; pairs with the
	 * release in prov_relay_start(): prov_backlog_cpu() is set.
	 */
	if (smp_load_acquire(&prov_configured))
		prov_wait_backlog();
	spin_unlock_irqrestore(&prov_boot_lock, flags);
}

/* Send a record of hdr.size bytes (see prov_emit_tail()). */
void prov_emit(void *record)
{
	prov_emit_tail(record, NULL, 0);
}

/*
 * Send the node record @record ending in @link (PROV_RECORD_VERSIONED):
 * the record in place, with its size and flags grown for the link while
 * it is sent.  The caller holds the node's lock.
 */
void prov_emit_linked(void *record, const struct prov_version_link *link)
{
	struct prov_record_header *hdr = record;
	u32 size = hdr->size;
	u8 flags = hdr->flags;

	hdr->size = size + sizeof(*link);
	hdr->flags = flags | PROV_RECORD_VERSIONED;
	prov_emit_tail(record, link, sizeof(*link));
	hdr->size = size;
	hdr->flags = flags;
}

static struct dentry *prov_create_buf_file(const char *filename,
					   struct dentry *parent, umode_t mode,
					   struct rchan_buf *buf,
					   int *is_global)
{
	struct dentry *d;

	d = debugfs_create_file(filename, mode, parent, buf,
				&relay_file_operations);
	if (!IS_ERR_OR_NULL(d))
		prov_inode_mark_opaque(d_inode(d));
	return d;
}

static int prov_remove_buf_file(struct dentry *dentry)
{
	debugfs_remove(dentry);
	return 0;
}

/* Non-overwrite mode: refuse to reuse unconsumed sub-buffers. */
static int prov_subbuf_start(struct rchan_buf *buf, void *subbuf,
			     void *prev_subbuf, size_t prev_padding)
{
	return !relay_buf_full(buf);
}

static const struct rchan_callbacks prov_relay_callbacks = {
	.subbuf_start = prov_subbuf_start,
	.create_buf_file = prov_create_buf_file,
	.remove_buf_file = prov_remove_buf_file,
};

static int prov_check_conf(const struct prov_relay_conf *conf)
{
	u64 bytes;

	if (!conf->boot_id || !conf->machine_id)
		return -EINVAL;
	if (conf->buff_exp < PROV_BUFF_EXP_MIN ||
	    conf->buff_exp > PROV_BUFF_EXP_MAX)
		return -EINVAL;
	if (conf->subuf_nb < PROV_SUBUF_NB_MIN ||
	    conf->subuf_nb > PROV_SUBUF_NB_MAX)
		return -EINVAL;
	/* Two channels on every CPU: refuse more than a quarter of RAM. */
	bytes = (u64)conf->subuf_nb << conf->buff_exp;
	bytes *= 2 * num_possible_cpus();
	if (bytes >> PAGE_SHIFT > totalram_pages() / 4)
		return -ENOMEM;
	return 0;
}

/* Whether the buffer of @cpu has room for @record without dropping it. */
static bool prov_relay_room(const void *record, int cpu)
{
	const struct prov_record_header *hdr = record;
	struct rchan *chan;
	struct rchan_buf *buf;
	size_t ready;

	chan = prov_kind_is_long(hdr->kind) ? prov_long_chan : prov_chan;
	buf = *per_cpu_ptr(chan->buf, cpu);
	/* No buffer: prov_relay_out_cpu() counts the record as dropped. */
	if (!buf)
		return true;
	if (buf->offset + hdr->size <= chan->subbuf_size)
		return true;
	/*
	 * relay_switch_subbuf() counts the current sub-buffer as produced
	 * before prov_subbuf_start() checks for a free one, unless an earlier
	 * switch failed (offset past the end) and already counted it.
	 */
	ready = buf->subbufs_produced - buf->subbufs_consumed;
	if (buf->offset <= chan->subbuf_size)
		ready++;
	return ready < chan->n_subbufs;
}

/*
 * Whether the buffers of @cpu are at most half full: live output starts
 * only then, so that the records following the backlog find room while the
 * reader is still busy with it.
 */
bool prov_relay_headroom(unsigned int cpu)
{
	struct rchan *chans[] = { prov_chan, prov_long_chan };
	struct rchan_buf *buf;
	int i;

	for (i = 0; i < ARRAY_SIZE(chans); i++) {
		buf = *per_cpu_ptr(chans[i]->buf, cpu);
		if (buf && buf->subbufs_produced - buf->subbufs_consumed >
			   chans[i]->n_subbufs / 2)
			return false;
	}
	return true;
}

/*
 * The reader's progress on both channels of @cpu: sub-buffers consumed and
 * bytes read from the current one; changes with every read(2).
 */
size_t prov_relay_consumed(unsigned int cpu)
{
	struct rchan *chans[] = { prov_chan, prov_long_chan };
	struct rchan_buf *buf;
	size_t sum = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(chans); i++) {
		buf = *per_cpu_ptr(chans[i]->buf, cpu);
		if (buf)
			sum += READ_ONCE(buf->subbufs_consumed) +
			       READ_ONCE(buf->bytes_consumed);
	}
	return sum;
}

/* Whether the backlog is more than half its bound (read without the lock). */
bool prov_backlog_over_half(void)
{
	return READ_ONCE(prov_boot_bytes) > prov_boot_bound() / 2;
}

/* Bytes of the backlog replayed so far: the replay's progress. */
u64 prov_backlog_replayed(void)
{
	return READ_ONCE(prov_boot_replayed);
}

/* The CPU whose buffers receive the backlog (valid from relay_conf on). */
unsigned int prov_backlog_cpu(void)
{
	return READ_ONCE(prov_drain_cpu);
}

/*
 * Send up to PROV_DRAIN_BATCH records of the backlog to the buffers of
 * @cpu and unlink the chunks sent in full onto @done.  Returns true once
 * the backlog is empty and the buffers have headroom: output is then live.
 * Called with prov_boot_lock held.
 */
static bool prov_drain_batch(int cpu, struct list_head *done, bool *full)
{
	struct prov_boot_chunk *c, *tmp;
	unsigned int n = 0;

	*full = false;
	list_for_each_entry_safe(c, tmp, &prov_boot_list, list) {
		while (c->sent < c->used && n < PROV_DRAIN_BATCH) {
			void *record = (u8 *)c->data + c->sent;
			struct prov_record_header *hdr = record;

			if (!prov_relay_room(record, cpu)) {
				*full = true;
				return false;
			}
			hdr->flags |= PROV_RECORD_REPLAYED;
			prov_tighten(record);
			prov_relay_out_cpu(record, cpu);
			c->sent += hdr->size;
			WRITE_ONCE(prov_boot_replayed,
				   prov_boot_replayed + hdr->size);
			n++;
		}
		if (c->sent < c->used)
			return false;
		list_move_tail(&c->list, done);
		WRITE_ONCE(prov_boot_bytes,
			   prov_boot_bytes - PROV_BOOT_CHUNK_SIZE);
	}
	if (!prov_relay_headroom(cpu)) {
		*full = true;
		return false;
	}
	/* Channels and ids are published with it. */
	smp_store_release(&prov_is_live, true);
	return true;
}

/*
 * Move the backlog to relay, then switch to live output.  The backlog goes
 * to the buffers of one CPU, in order, so that it reads as one stream.
 * When those are full, wait for the reader (camflowd may start after
 * relay_conf was written) instead of dropping.
 */
static void prov_drain_work_fn(struct work_struct *work)
{
	struct prov_boot_chunk *c, *tmp;
	unsigned long flags;
	LIST_HEAD(done);
	bool empty, full;
	u64 records, bytes, lost;
	unsigned long wait_us = PROV_DRAIN_WAIT_MIN_US;
	size_t consumed = SIZE_MAX, now;

	do {
		spin_lock_irqsave(&prov_boot_lock, flags);
		empty = prov_drain_batch(prov_drain_cpu, &done, &full);
		records = prov_boot_records;
		bytes = prov_boot_record_bytes;
		lost = prov_boot_lost;
		spin_unlock_irqrestore(&prov_boot_lock, flags);
		list_for_each_entry_safe(c, tmp, &done, list) {
			list_del(&c->list);
			kfree(c);
		}
		if (!full) {
			cond_resched();
			continue;
		}
		now = prov_relay_consumed(prov_drain_cpu);
		if (now != consumed)
			wait_us = PROV_DRAIN_WAIT_MIN_US;
		else
			wait_us = min_t(unsigned long, 2 * wait_us,
					PROV_DRAIN_WAIT_MAX_US);
		consumed = now;
		usleep_range(wait_us, 2 * wait_us);
	} while (!empty);
	pr_info("boot buffer replayed: %llu records (%llu bytes), %llu lost (bound %zu bytes)\n",
		records, bytes, lost, prov_boot_bound());
}

/* relay_conf: open the channels, write the machine, replay the backlog. */
int prov_relay_start(const struct prov_relay_conf *conf)
{
	struct rchan *chan, *long_chan;
	size_t subbuf_size;
	void *machine;
	u32 size;
	int rc, cpu;

	rc = prov_check_conf(conf);
	if (rc)
		return rc;
	machine = kzalloc(PROV_RECORD_MAX, GFP_KERNEL);
	if (!machine)
		return -ENOMEM;
	mutex_lock(&prov_conf_mutex);
	if (prov_chan) {
		rc = -EBUSY;
		goto out;
	}
	subbuf_size = (size_t)1 << conf->buff_exp;
	chan = relay_open(PROV_RELAY_NAME, NULL, subbuf_size, conf->subuf_nb,
			  &prov_relay_callbacks, NULL);
	if (!chan) {
		rc = -ENOMEM;
		goto out;
	}
	long_chan = relay_open(PROV_LONG_RELAY_NAME, NULL, subbuf_size,
			       conf->subuf_nb, &prov_relay_callbacks, NULL);
	if (!long_chan) {
		relay_close(chan);
		rc = -ENOMEM;
		goto out;
	}
	/* Published to the hot path by the release store of prov_is_live. */
	prov_conf_boot = conf->boot_id;
	prov_conf_machine = conf->machine_id;
	prov_chan = chan;
	prov_long_chan = long_chan;
	/* The backlog goes to the buffers of this CPU. */
	cpu = raw_smp_processor_id();
	WRITE_ONCE(prov_drain_cpu, cpu);
	/*
	 * The ids and the replay's CPU before the flag: pairs with
	 * prov_boot_id() and prov_backlog_cpu().
	 */
	smp_store_release(&prov_configured, true);
	/* First record of the long channel: the machine. */
	size = prov_machine_snapshot(machine, PROV_RECORD_MAX);
	if (size) {
		prov_stamp(machine);
		prov_tighten(machine);
		prov_relay_out_cpu(machine, cpu);
	}
	queue_work(system_long_wq, &prov_drain_work);
	pr_info("relay started (boot %u, machine %u)\n", prov_conf_boot,
		prov_conf_machine);
out:
	mutex_unlock(&prov_conf_mutex);
	kfree(machine);
	return rc;
}

/* Publish partly filled sub-buffers of this CPU (IPI context). */
static void prov_flush_local(void *unused)
{
	struct rchan *chans[] = { prov_chan, prov_long_chan };
	struct rchan_buf *buf;
	int i;

	for (i = 0; i < ARRAY_SIZE(chans); i++) {
		buf = *this_cpu_ptr(chans[i]->buf);
		if (buf && buf->offset > 0 &&
		    buf->offset <= chans[i]->subbuf_size)
			relay_switch_subbuf(buf, 0);
	}
}

int prov_relay_flush(void)
{
	if (!prov_relay_live())
		return -ENODEV;
	on_each_cpu(prov_flush_local, NULL, 1);
	return 0;
}
