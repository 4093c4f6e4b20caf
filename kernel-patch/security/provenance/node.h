/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - in-kernel state of a graph node
 *
 * Every kernel object we observe carries a struct prov_node in its LSM
 * blob.  The node embeds the wire record of its kind (the bytes that are
 * streamed to userspace) together with private bookkeeping that never
 * leaves the kernel.
 */

#ifndef _SECURITY_PROVENANCE_NODE_H
#define _SECURITY_PROVENANCE_NODE_H

#include <linux/build_bug.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <uapi/linux/provenance.h>

/* The leading part of every node record. */
struct prov_node_prefix {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
};

/* Every node record starts with the prefix. */
#define PROV_ASSERT_PREFIX(type)					\
	static_assert(offsetof(type, elt) ==				\
		      offsetof(struct prov_node_prefix, elt) &&		\
		      offsetof(type, node) ==				\
		      offsetof(struct prov_node_prefix, node))

PROV_ASSERT_PREFIX(struct prov_task_record);
PROV_ASSERT_PREFIX(struct prov_proc_record);
PROV_ASSERT_PREFIX(struct prov_inode_record);
PROV_ASSERT_PREFIX(struct prov_msg_record);
PROV_ASSERT_PREFIX(struct prov_shm_record);
PROV_ASSERT_PREFIX(struct prov_sb_record);
PROV_ASSERT_PREFIX(struct prov_packet_record);
PROV_ASSERT_PREFIX(struct prov_iattr_record);
PROV_ASSERT_PREFIX(struct prov_payload_record);
PROV_ASSERT_PREFIX(struct prov_xattr_record);
PROV_ASSERT_PREFIX(struct prov_disc_record);
PROV_ASSERT_PREFIX(struct prov_machine_record);

/* The fixed-size node records a struct prov_node can hold. */
union prov_node_record {
	struct prov_node_prefix c;
	struct prov_task_record task;
	struct prov_proc_record proc;
	struct prov_inode_record inode;
	struct prov_msg_record msg;
	struct prov_shm_record shm;
	struct prov_sb_record sb;
	struct prov_packet_record packet;
	struct prov_iattr_record iattr;
};

/*
 * Kind of object a node lives in.  It selects the lockdep class of the
 * node lock and how the record is refreshed before it is written.
 */
enum prov_class {
	PROV_CLASS_TRANSIENT = 0,	/* owned by one caller, no lock */
	PROV_CLASS_PROC,		/* struct cred */
	PROV_CLASS_TASK,		/* struct task_struct */
	PROV_CLASS_INODE,		/* struct inode */
	PROV_CLASS_MSG,			/* struct msg_msg */
	PROV_CLASS_IPC,			/* struct kern_ipc_perm */
	PROV_CLASS_SB,			/* struct super_block */
	PROV_CLASS_MACHINE,		/* the running kernel */
	PROV_CLASS_MAX,
};

/* Private state bits (struct prov_node.state), under the node lock. */
#define PROV_NODE_OUTGOING	0x0001	/* this version has an outgoing edge */
#define PROV_NODE_NAME_WEAK	0x0002	/* named from a dentry, not a path */
#define PROV_NODE_ARGS_DONE	0x0004	/* exec arguments recorded */
#define PROV_NODE_SECID		0x0008	/* secid read (creds never change) */
#define PROV_NODE_ACCEPTED	0x0010	/* socket accepted, queue not seen */
#define PROV_NODE_COUNTED	0x0020	/* counted in prov_tracked_nodes */
#define PROV_NODE_SHARED_MAP	0x0040	/* memory mapped shared, writable */

struct prov_node {
	/*
	 * Protects the bookkeeping and the record.  Always taken with
	 * interrupts disabled, never nested with another node lock.
	 */
	spinlock_t lock;
	/* Kernel object the node describes, used to refresh the record. */
	void *obj;
	u8 class;		/* enum prov_class */
	u8 live;		/* initialised and not yet freed */
	u16 state;		/* PROV_NODE_* */
	u32 recorded_epoch;	/* epoch this version was last written in */
	u32 named_epoch;	/* epoch the name was last recorded in */
	u32 linked_epoch;	/* epoch of the last ran_on edge */
	u32 k_version;		/* machine version of the last ran_on edge */
	/* Edge compression: the last edge recorded into this node. */
	u32 prev_version;
	u32 prev_epoch;
	u64 prev_id;
	u64 prev_type;
	/* Last member: blobs only allocate the record of their kind. */
	union prov_node_record rec;
};

/* Bytes of a node holding a record of type @type. */
#define PROV_NODE_SIZE(type) (offsetof(struct prov_node, rec) + sizeof(type))

/* A transient node with room for the longest record. */
struct prov_long_node {
	struct prov_node n;
	u8 room[PROV_RECORD_MAX - sizeof(union prov_node_record)];
};

static_assert(offsetof(struct prov_long_node, room) ==
	      offsetof(struct prov_long_node, n.rec) +
	      sizeof(union prov_node_record));

/* What the source end of an edge contributes to the edge. */
struct prov_src {
	union prov_identifier id;
	u32 flags;
	u64 taint;
};

/* An edge recorded into a task version (see struct prov_economy). */
struct prov_seen_edge {
	u64 type;
	u64 id;			/* source node id */
	u32 version;		/* source version */
	u32 to_version;		/* version the edge went into */
	u32 epoch;
};

#define PROV_SEEN_EDGES 4

/*
 * A read a task recorded while its memory edge waits (see struct
 * prov_economy): the source version, the task version it went into and
 * what the labels of both and the policy were.
 */
struct prov_read_memo {
	u64 type;
	u64 id;			/* source node id */
	u64 taint;		/* source taint */
	u64 to_taint;		/* task taint after the edge */
	u32 version;		/* source version */
	u32 to_version;		/* task version the edge went into */
	u32 flags;		/* source flags */
	u32 to_flags;		/* task flags after the edge */
	u32 epoch;
	u32 policy;		/* prov_policy_gen() */
};

#define PROV_READ_MEMOS 8

/*
 * The version of its process memory a task read last (memory_read), with
 * the memory's labels, the epoch and the policy generation then.
 */
struct prov_memory_memo {
	u64 id;
	u64 taint;
	u32 version;
	u32 flags;
	u32 epoch;
	u32 policy;
};

/*
 * Graph-economy state the engine keeps in the objects of classes that
 * have one (tasks; record.c).
 */
struct prov_economy {
	/*
	 * The task read something not yet recorded as flowing into its
	 * process memory (task -> memory edge deferred).  Only the task
	 * itself sets and clears it.
	 */
	u32 mem_pending;
	/*
	 * Recent edges into the node, so that an edge already recorded into
	 * the current version is not recorded again.  Under the node lock.
	 */
	u32 seen_next;
	struct prov_seen_edge seen[PROV_SEEN_EDGES];
	/*
	 * The last reads recorded by the task itself while mem_pending was
	 * set: the same read again finds everything already recorded and
	 * returns without a lock.  Only the task itself, in task context,
	 * reads and writes them.
	 */
	u32 memo_next;
	struct prov_read_memo memo[PROV_READ_MEMOS];
	/* The memory the task version holds already (task itself only). */
	struct prov_memory_memo mem_taken;
};

/*
 * What the engine needs from the code of one class of kernel object.
 * Each object file registers the operations of its class at boot
 * (prov_class_register), so the engine calls no object file by name.
 * Every operation is optional.
 */
struct prov_class_ops {
	/* Bring the object's attributes into the record; node lock held. */
	void (*refresh)(struct prov_node *n);
	/* The graph-economy state of the node's object. */
	struct prov_economy *(*economy)(struct prov_node *n);
	/* The node of this class the running task uses (in task context). */
	struct prov_node *(*running)(void);
};

void prov_class_register(enum prov_class class,
			 const struct prov_class_ops *ops);

static inline u64 prov_node_type(const struct prov_node *n)
{
	return n->rec.c.elt.identifier.node.type;
}

static inline u64 prov_node_id(const struct prov_node *n)
{
	return n->rec.c.elt.identifier.node.id;
}

/* Public flags, read without the lock. */
static inline u32 prov_flags(const struct prov_node *n)
{
	return READ_ONCE(n->rec.c.elt.flags);
}

static inline bool prov_is_tracked(const struct prov_node *n)
{
	return prov_flags(n) & PROV_FLAG_TRACKED;
}

static inline bool prov_is_opaque(const struct prov_node *n)
{
	return prov_flags(n) & PROV_FLAG_OPAQUE;
}

static inline struct prov_payload_record *prov_payload(struct prov_node *n)
{
	return (struct prov_payload_record *)&n->rec;
}

static inline void prov_lock(struct prov_node *n, unsigned long *flags)
{
	if (n->class != PROV_CLASS_TRANSIENT)
		spin_lock_irqsave(&n->lock, *flags);
	else
		*flags = 0;
}

static inline void prov_unlock(struct prov_node *n, unsigned long flags)
{
	if (n->class != PROV_CLASS_TRANSIENT)
		spin_unlock_irqrestore(&n->lock, flags);
}

#endif /* _SECURITY_PROVENANCE_NODE_H */
