// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - recording engine
 *
 * An edge is recorded in two steps, each under the lock of one node only:
 *
 *  - source: the source node is written (if this version was not written
 *    in the current epoch yet), marked as having an outgoing edge, and its
 *    identity is captured;
 *  - sink: unless the edge repeats the previous edge into the destination
 *    (edge compression), the destination gets a new version if it already
 *    influenced something, takes the tracking and taint the edge
 *    propagates (a version already written gets a new version for that),
 *    it is written, then the relation is written.
 *
 * A version never receives an edge once it has an outgoing edge, and a
 * source is marked before the destination accepts the edge, so the graph
 * stays acyclic.  Nodes are always written before the edges naming them.
 * No two node locks are ever held together.
 *
 * Graph economy (policy "economy", on by default; docs/design.md), the
 * part the sink applies:
 *
 *  - an edge equal (type, source version) to one of the last few edges
 *    recorded into the same task version is not recorded again;
 *  - of two hooks seeing one transfer (a write or read of a socket, a
 *    UNIX stream message), the second edge, from the source version of
 *    the last edge into the destination, is not recorded
 *    (prov_same_transfer).
 *
 * The capture shapes (uses, generates, ...) and the economy's deferred
 * memory edge and read memos are in shape.c.
 */

#include <linux/atomic.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include "common.h"
#include "engine.h"
#include "node.h"
#include "policy.h"
#include "record.h"
#include "relay.h"
#include "type.h"

static atomic64_t prov_node_ids = ATOMIC64_INIT(0);
static atomic64_t prov_relation_ids = ATOMIC64_INIT(0);

static struct lock_class_key prov_lock_keys[PROV_CLASS_MAX];
static const char *const prov_lock_names[PROV_CLASS_MAX] = {
	[PROV_CLASS_TRANSIENT] = "prov_transient",
	[PROV_CLASS_PROC] = "prov_proc",
	[PROV_CLASS_TASK] = "prov_task",
	[PROV_CLASS_INODE] = "prov_inode",
	[PROV_CLASS_MSG] = "prov_msg",
	[PROV_CLASS_IPC] = "prov_ipc",
	[PROV_CLASS_SB] = "prov_sb",
	[PROV_CLASS_MACHINE] = "prov_machine",
};

/* Zero a record and fill its header. */
void prov_record_init(void *record, u16 kind, u32 size)
{
	struct prov_record_header *hdr = record;

	memset(record, 0, size);
	hdr->size = size;
	hdr->kind = kind;
	hdr->abi_version = PROV_ABI_VERSION;
}

u64 prov_new_node_id(void)
{
	return atomic64_inc_return(&prov_node_ids);
}

/* Reset the bookkeeping of a node. */
void prov_node_reset(struct prov_node *n, enum prov_class class, void *obj)
{
	n->obj = obj;
	n->class = class;
	n->live = 0;
	n->state = 0;
	n->recorded_epoch = 0;
	n->named_epoch = 0;
	n->linked_epoch = 0;
	n->k_version = 0;
	n->prev_version = 0;
	n->prev_epoch = 0;
	n->prev_id = 0;
	n->prev_type = 0;
}

/*
 * Initialise a node of a fixed-size kind with a fresh identity.  The
 * caller owns the node: it is not yet visible to anyone else.
 */
void prov_node_setup(struct prov_node *n, enum prov_class class, void *obj,
		     u64 type)
{
	struct prov_node_identifier *id;
	u16 kind = prov_type_kind(type);

	if (class != PROV_CLASS_TRANSIENT) {
		spin_lock_init(&n->lock);
		lockdep_set_class_and_name(&n->lock, &prov_lock_keys[class],
					   prov_lock_names[class]);
	}
	prov_node_reset(n, class, obj);
	prov_record_init(&n->rec, kind, prov_kind_size(kind));
	id = &n->rec.c.elt.identifier.node;
	id->type = type;
	id->id = prov_new_node_id();
	WRITE_ONCE(n->live, 1);
}

unsigned long prov_gate =
	IS_ENABLED(CONFIG_SECURITY_PROVENANCE_WHOLE_SYSTEM) ?
	BIT(PROV_GATE_ENABLED) | BIT(PROV_GATE_ALL) : 0;

/* Live tracked nodes of kernel objects (not transient ones). */
static atomic_long_t prov_tracked_nodes = ATOMIC_LONG_INIT(0);

/* Serialises the writers of the policy bits of the gate. */
static DEFINE_MUTEX(prov_gate_mutex);

void prov_gate_set(int bit, bool on)
{
	mutex_lock(&prov_gate_mutex);
	if (on)
		set_bit(bit, &prov_gate);
	else
		clear_bit(bit, &prov_gate);
	mutex_unlock(&prov_gate_mutex);
}

void prov_gate_sync(void)
{
	mutex_lock(&prov_gate_mutex);
	if (READ_ONCE(prov_policy.enabled))
		set_bit(PROV_GATE_ENABLED, &prov_gate);
	else
		clear_bit(PROV_GATE_ENABLED, &prov_gate);
	if (READ_ONCE(prov_policy.all))
		set_bit(PROV_GATE_ALL, &prov_gate);
	else
		clear_bit(PROV_GATE_ALL, &prov_gate);
	mutex_unlock(&prov_gate_mutex);
}

/*
 * Keep the TRACKED bit of the gate set while a live node is tracked, in
 * any context.  A node is counted once (PROV_NODE_COUNTED), under its
 * lock.  The count and the bit are both fully ordered: a CPU that takes
 * the count to zero clears the bit and then looks at the count again, a
 * CPU that takes it up looks at the bit, so one of them sees the other.
 */
static void prov_count_as_locked(struct prov_node *n, bool tracked)
{
	bool counted = n->state & PROV_NODE_COUNTED;

	if (n->class == PROV_CLASS_TRANSIENT || tracked == counted)
		return;
	if (tracked) {
		n->state |= PROV_NODE_COUNTED;
		atomic_long_inc(&prov_tracked_nodes);
		/* Pairs with the barrier after clear_bit() below. */
		smp_mb__after_atomic();
		if (!test_bit(PROV_GATE_TRACKED, &prov_gate))
			set_bit(PROV_GATE_TRACKED, &prov_gate);
		return;
	}
	n->state &= ~PROV_NODE_COUNTED;
	if (!atomic_long_dec_and_test(&prov_tracked_nodes))
		return;
	clear_bit(PROV_GATE_TRACKED, &prov_gate);
	/* Pairs with the barrier after atomic_long_inc() above. */
	smp_mb__after_atomic();
	if (atomic_long_read(&prov_tracked_nodes))
		set_bit(PROV_GATE_TRACKED, &prov_gate);
}

long prov_tracked_count(void)
{
	return atomic_long_read(&prov_tracked_nodes);
}

static void prov_count_locked(struct prov_node *n)
{
	prov_count_as_locked(n, n->rec.c.elt.flags & PROV_FLAG_TRACKED);
}

void prov_node_recount(struct prov_node *n)
{
	unsigned long flags;

	prov_lock(n, &flags);
	n->state &= ~PROV_NODE_COUNTED;
	prov_count_locked(n);
	prov_unlock(n, flags);
}

/* The object is going away: nothing more is recorded about it. */
void prov_node_free(struct prov_node *n)
{
	unsigned long flags;

	prov_lock(n, &flags);
	WRITE_ONCE(n->live, 0);
	prov_count_as_locked(n, false);
	prov_unlock(n, flags);
}

void prov_set_flags(struct prov_node *n, u32 set, u32 clear)
{
	unsigned long flags;
	u32 f;

	prov_lock(n, &flags);
	f = (n->rec.c.elt.flags & ~clear) | set;
	WRITE_ONCE(n->rec.c.elt.flags, f);
	prov_count_locked(n);
	prov_unlock(n, flags);
}

void prov_add_taint(struct prov_node *n, u64 taint)
{
	unsigned long flags;

	prov_lock(n, &flags);
	n->rec.c.elt.taint |= taint;
	prov_unlock(n, flags);
}

/* True if nothing touching this node may be recorded. */
bool prov_filter_node(const struct prov_node *n)
{
	if (!prov_enabled())
		return true;
	if (prov_flags(n) & PROV_FLAG_OPAQUE)
		return true;
	return READ_ONCE(prov_policy.node_filter) & prov_node_type(n) &
	       SUBTYPE_MASK;
}

bool prov_should_record(u64 type, const struct prov_node *from,
			const struct prov_node *to)
{
	if (prov_filter_relation(type))
		return false;
	return !prov_filter_node(from) && !prov_filter_node(to);
}

static const struct prov_class_ops *prov_classes[PROV_CLASS_MAX] __ro_after_init;

void __init prov_class_register(enum prov_class class,
				const struct prov_class_ops *ops)
{
	prov_classes[class] = ops;
}

static const struct prov_class_ops *prov_class_of(const struct prov_node *n)
{
	return n->class < PROV_CLASS_MAX ? prov_classes[n->class] : NULL;
}

/* Bring the attributes of the kernel object into the record. */
static void prov_refresh_locked(struct prov_node *n)
{
	const struct prov_class_ops *ops = prov_class_of(n);

	if (ops && ops->refresh)
		ops->refresh(n);
}

/* The graph-economy state of the node's object, if its class has one. */
struct prov_economy *prov_economy_state(struct prov_node *n)
{
	const struct prov_class_ops *ops = prov_class_of(n);

	return ops && ops->economy ? ops->economy(n) : NULL;
}

/* The node of @class the running task uses, NULL outside a task. */
static struct prov_node *prov_class_current(enum prov_class class)
{
	const struct prov_class_ops *ops = prov_classes[class];

	return in_task() && ops && ops->running ? ops->running() : NULL;
}

/* True if @n is the node of the running task or of its memory. */
bool prov_is_current(const struct prov_node *n)
{
	return n && n->class < PROV_CLASS_MAX &&
	       prov_class_current(n->class) == n;
}

/*
 * Write the current version of a node unless done in this epoch; with
 * @link, the record also stands for the version relation into it.
 */
static void prov_write_linked_locked(struct prov_node *n,
				     const struct prov_version_link *link)
{
	u32 epoch = prov_current_epoch();

	if (!link && n->recorded_epoch == epoch &&
	    !READ_ONCE(prov_policy.duplicate))
		return;
	prov_refresh_locked(n);
	n->recorded_epoch = epoch;
	n->rec.c.elt.epoch = epoch;
	if (link)
		prov_emit_linked(&n->rec, link);
	else
		prov_emit(&n->rec);
}

static void prov_write_locked(struct prov_node *n)
{
	prov_write_linked_locked(n, NULL);
}

/* The node id of the task running, 0 outside a task. */
static u64 prov_current_task_id(void)
{
	struct prov_node *task = prov_class_current(PROV_CLASS_TASK);

	return task ? prov_node_id(task) : 0;
}

static void prov_write_relation(u64 type, const union prov_identifier *snd,
				const union prov_identifier *rcv,
				const struct prov_edge *edge)
{
	struct prov_relation_record r;

	prov_record_init(&r, PROV_KIND_RELATION, sizeof(r));
	r.elt.identifier.relation.type = type;
	r.elt.identifier.relation.id = atomic64_inc_return(&prov_relation_ids);
	r.elt.epoch = prov_current_epoch();
	r.snd = *snd;
	r.rcv = *rcv;
	if (edge) {
		r.flags = edge->flags;
		if (edge->has_offset) {
			r.offset = edge->offset;
			r.has_offset = 1;
		}
	}
	r.task_id = prov_current_task_id();
	r.allowed = 1;
	prov_emit(&r);
}

static void prov_propagate_locked(const struct prov_src *src,
				  struct prov_node *to)
{
	const u32 need = PROV_FLAG_TRACKED | PROV_FLAG_PROPAGATE;

	WRITE_ONCE(to->rec.c.elt.flags, to->rec.c.elt.flags | need);
	to->rec.c.elt.taint |= src->taint;
	prov_count_locked(to);
}

/*
 * New version of a node, linked to the previous one.  If the version
 * relation is filtered the version still changes but nothing is written.
 * @labels: an edge whose propagation the new version takes, or NULL.
 *
 * The relation is not a record of its own: the new version's record ends
 * in a struct prov_version_link that stands for it (the relation goes
 * from the same identifier with the previous version number; the recorder
 * writes it out as the relation).
 */
static void prov_version_locked(struct prov_node *n, u64 vtype,
				const struct prov_src *labels)
{
	struct prov_version_link vl;
	bool link = !prov_filter_relation(vtype);

	if (link)
		prov_write_locked(n);
	n->rec.c.elt.identifier.node.version++;
	n->recorded_epoch = 0;
	n->state &= ~PROV_NODE_OUTGOING;
	if (labels)
		prov_propagate_locked(labels, n);
	if (link) {
		vl.type = vtype;
		vl.id = atomic64_inc_return(&prov_relation_ids);
		vl.task_id = prov_current_task_id();
		prov_write_linked_locked(n, &vl);
	}
}

static u64 prov_version_type(const struct prov_node *n)
{
	return prov_node_type(n) == ACT_TASK ? RL_VERSION_TASK : RL_VERSION;
}

/*
 * A new version of the destination is needed when it already influenced
 * something (or for every incoming edge without node compression), and
 * when the edge changes the labels of a version already written.
 */
static bool prov_needs_version(u64 type, const struct prov_node *n,
			       bool relabel)
{
	if (n->class == PROV_CLASS_TRANSIENT)
		return false;
	if (!READ_ONCE(prov_policy.should_version))
		return false;
	if (type == RL_VERSION || type == RL_VERSION_TASK || type == RL_NAMED)
		return false;
	if (relabel && n->recorded_epoch == prov_current_epoch())
		return true;
	if (READ_ONCE(prov_policy.compress_node) &&
	    !(n->state & PROV_NODE_OUTGOING))
		return false;
	return true;
}

/*
 * True if the edge spreads tracking and taint into @to and that changes
 * its flags or taint: the source is tracked and propagates, neither the
 * edge type nor the destination type is in a propagate filter, and the
 * destination is not opaque.
 */
static bool prov_relabels(u64 type, const struct prov_src *src,
			  const struct prov_node *to)
{
	const u32 need = PROV_FLAG_TRACKED | PROV_FLAG_PROPAGATE;
	u32 f = to->rec.c.elt.flags;

	if ((src->flags & need) != need)
		return false;
	if (prov_family_filter(type, true) & type & SUBTYPE_MASK)
		return false;
	if (READ_ONCE(prov_policy.prop_node_filter) & prov_node_type(to) &
	    SUBTYPE_MASK)
		return false;
	if (f & PROV_FLAG_OPAQUE)
		return false;
	return (f & need) != need ||
	       (to->rec.c.elt.taint | src->taint) != to->rec.c.elt.taint;
}

void prov_source(struct prov_node *n, struct prov_src *src)
{
	unsigned long flags;

	prov_lock(n, &flags);
	prov_write_locked(n);
	n->state |= PROV_NODE_OUTGOING;
	src->id = n->rec.c.elt.identifier;
	src->flags = n->rec.c.elt.flags;
	src->taint = n->rec.c.elt.taint;
	prov_unlock(n, flags);
}

/*
 * Graph economy: the last edges recorded into a task, each with the task
 * version it went into.  An edge equal to one already recorded into the
 * current version (same type, same source version, same epoch) adds
 * nothing and is not recorded again.
 */
static struct prov_economy *prov_seen_blob(struct prov_node *to)
{
	return prov_economy() ? prov_economy_state(to) : NULL;
}

static bool prov_seen_locked(u64 type, const struct prov_src *src,
			     struct prov_node *to)
{
	struct prov_economy *b = prov_seen_blob(to);
	const struct prov_seen_edge *e;
	u32 epoch = prov_current_epoch();
	int i;

	if (!b)
		return false;
	for (i = 0; i < PROV_SEEN_EDGES; i++) {
		e = &b->seen[i];
		if (e->type == type && e->id == src->id.node.id &&
		    e->version == src->id.node.version &&
		    e->to_version == to->rec.c.elt.identifier.node.version &&
		    e->epoch == epoch)
			return true;
	}
	return false;
}

static void prov_seen_add_locked(u64 type, const struct prov_src *src,
				 struct prov_node *to)
{
	struct prov_economy *b = prov_seen_blob(to);
	struct prov_seen_edge *e;

	if (!b)
		return;
	e = &b->seen[b->seen_next++ % PROV_SEEN_EDGES];
	e->type = type;
	e->id = src->id.node.id;
	e->version = src->id.node.version;
	e->to_version = to->rec.c.elt.identifier.node.version;
	e->epoch = prov_current_epoch();
}

/*
 * Graph economy, one transfer one edge: two hooks see each of these
 * transfers, a write(2) on a socket (file_permission, then
 * socket_sendmsg), a read(2) of one (socket_post_recvmsg, then
 * file_post_read) and a message on a UNIX stream (send_unix at the send,
 * receive_unix at the receive).  True if @type is the second edge of
 * such a pair whose first edge was @prev.
 */
static bool prov_same_transfer(u64 type, u64 prev)
{
	if (!prov_economy())
		return false;
	switch (type) {
	case RL_SND:
		return prev == RL_SND_MSG;
	case RL_SND_MSG:
		return prev == RL_SND;
	case RL_RCV:
		return prev == RL_RCV_MSG;
	case RL_RCV_MSG:
		return prev == RL_RCV;
	case RL_RCV_UNIX:
		return prev == RL_SND_UNIX;
	default:
		return false;
	}
}

void prov_sink_locked(u64 type, const struct prov_src *src,
		      struct prov_node *to, const struct prov_edge *edge)
{
	const struct prov_node_identifier *from = &src->id.node;
	u32 epoch = prov_current_epoch();
	bool relabel;

	/*
	 * The same edge again, or the second edge of one transfer, from the
	 * source version of the last edge into @to.  A packet's identity is
	 * its header, not an id and version: packets of one flow would look
	 * alike here, so their edges are kept.
	 */
	if (READ_ONCE(prov_policy.compress_edge) && to->prev_id == from->id &&
	    to->prev_version == from->version && to->prev_epoch == epoch &&
	    from->type != ENT_PACKET &&
	    (to->prev_type == type || prov_same_transfer(type, to->prev_type)))
		return;
	to->prev_type = type;
	to->prev_id = from->id;
	to->prev_version = from->version;
	to->prev_epoch = epoch;
	relabel = prov_relabels(type, src, to);
	if (!relabel && READ_ONCE(prov_policy.compress_edge) &&
	    prov_seen_locked(type, src, to))
		return;
	/* The version receiving the flow carries its labels. */
	if (prov_needs_version(type, to, relabel))
		prov_version_locked(to, prov_version_type(to),
				    relabel ? src : NULL);
	else if (relabel)
		prov_propagate_locked(src, to);
	prov_seen_add_locked(type, src, to);
	prov_write_locked(to);
	prov_write_relation(type, &src->id, &to->rec.c.elt.identifier, edge);
}

void prov_sink(u64 type, const struct prov_src *src, struct prov_node *to,
	       const struct prov_edge *edge)
{
	unsigned long flags;

	prov_lock(to, &flags);
	prov_sink_locked(type, src, to, edge);
	prov_unlock(to, flags);
}

/* Record one edge (the caller applied the shape's checks). */
void prov_relate(u64 type, struct prov_node *from, struct prov_node *to,
		 const struct prov_edge *edge)
{
	struct prov_src src;

	if (!prov_should_record(type, from, to))
		return;
	prov_source(from, &src);
	prov_sink(type, &src, to, edge);
}

/* ran_on from the machine, once per machine version and epoch. */
void prov_kernel_link(struct prov_node *task)
{
	struct prov_node *m = prov_machine();
	u32 epoch = prov_current_epoch();
	u32 version = READ_ONCE(m->rec.c.elt.identifier.node.version);
	struct prov_src src;
	unsigned long flags;

	/* Racy hints, checked again under the task lock. */
	if (data_race(task->linked_epoch == epoch &&
		      task->k_version == version))
		return;
	/* Racy hint: a task is linked once it was written. */
	if (data_race(task->recorded_epoch != epoch))
		return;
	if (!prov_should_record(RL_RAN_ON, m, task))
		return;
	prov_source(m, &src);
	prov_lock(task, &flags);
	if (task->linked_epoch != epoch ||
	    task->k_version != src.id.node.version) {
		prov_sink_locked(RL_RAN_ON, &src, task, NULL);
		task->linked_epoch = epoch;
		task->k_version = src.id.node.version;
	}
	prov_unlock(task, flags);
}

/*
 * The object ends (task exit, cred or inode freed): a last version linked
 * by @type, written if the node was recorded or capture is whole-system.
 */
void prov_terminate(u64 type, struct prov_node *n)
{
	union prov_identifier old;
	unsigned long flags;

	if (prov_filter_node(n) || prov_filter_relation(type))
		return;
	/* Racy hint, checked again under the lock: no lock when untouched. */
	if (data_race(n->recorded_epoch) != prov_current_epoch() &&
	    !prov_all())
		return;
	prov_lock(n, &flags);
	if (n->recorded_epoch != prov_current_epoch() && !prov_all())
		goto out;
	prov_write_locked(n);
	old = n->rec.c.elt.identifier;
	if (READ_ONCE(prov_policy.should_version)) {
		n->rec.c.elt.identifier.node.version++;
		n->recorded_epoch = 0;
		n->state &= ~PROV_NODE_OUTGOING;
		prov_write_locked(n);
	}
	prov_write_relation(type, &old, &n->rec.c.elt.identifier, NULL);
out:
	prov_unlock(n, flags);
}

/*
 * The type of a node changed (an inode got its mode).  A node already
 * written in this epoch gets a new version of the new type.
 */
void prov_retype(struct prov_node *n, u64 type)
{
	union prov_identifier old;
	unsigned long flags;
	bool link;

	prov_lock(n, &flags);
	if (prov_node_type(n) == type)
		goto out;
	link = n->recorded_epoch == prov_current_epoch() &&
	       READ_ONCE(prov_policy.should_version) &&
	       !prov_filter_relation(RL_VERSION) && !prov_filter_node(n);
	old = n->rec.c.elt.identifier;
	n->rec.c.elt.identifier.node.type = type;
	n->recorded_epoch = 0;
	if (link) {
		n->rec.c.elt.identifier.node.version++;
		n->state &= ~PROV_NODE_OUTGOING;
		prov_write_locked(n);
		prov_write_relation(RL_VERSION, &old, &n->rec.c.elt.identifier,
				    NULL);
	}
out:
	prov_unlock(n, flags);
}

/* A task carries the name of its process memory. */
void prov_copy_name(struct prov_node *task, struct prov_node *proc)
{
	union prov_identifier name;
	unsigned long flags;

	/* Racy hint: a name copied late shows in the next version. */
	if (data_race(task->rec.c.node.name_id.node.id ==
		      proc->rec.c.node.name_id.node.id))
		return;
	prov_lock(proc, &flags);
	name = proc->rec.c.node.name_id;
	prov_unlock(proc, flags);
	if (!name.node.type)
		return;
	prov_lock(task, &flags);
	task->rec.c.node.name_id = name;
	prov_unlock(task, flags);
}

