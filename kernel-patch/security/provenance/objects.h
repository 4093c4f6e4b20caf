/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - the nodes of kernel objects (LSM blobs)
 */

#ifndef _SECURITY_PROVENANCE_OBJECTS_H
#define _SECURITY_PROVENANCE_OBJECTS_H

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/ipc.h>
#include <linux/msg.h>
#include <linux/lsm_hooks.h>
#include <linux/sched.h>

#include "node.h"

extern struct lsm_blob_sizes prov_blob_sizes;

/* Task blob: the node and the clone edge waiting for the child to run. */
struct prov_task_blob {
	struct prov_src clone_src;	/* parent task at clone time */
	u64 clone_flags;
	u32 clone_pending;		/* clone edge not recorded yet */
	/* Node id of the cred the task's secid was last read from. */
	u64 secid_cred_id;
	/* The engine's graph-economy state of the task (node.h). */
	struct prov_economy economy;
	struct prov_node node;		/* last member, see struct prov_node */
};

static inline struct prov_node *prov_live(struct prov_node *n)
{
	return n && READ_ONCE(n->live) ? n : NULL;
}

/* Blob of a cred, initialised or not. */
static inline struct prov_node *prov_cred_blob(const struct cred *cred)
{
	if (unlikely(!cred || !cred->security))
		return NULL;
	return cred->security + prov_blob_sizes.lbs_cred;
}

static inline struct prov_node *prov_cred_node(const struct cred *cred)
{
	if (unlikely(!cred || !cred->security))
		return NULL;
	return prov_live(cred->security + prov_blob_sizes.lbs_cred);
}

static inline bool prov_is_opaque_cred(const struct cred *cred)
{
	struct prov_node *n = prov_cred_node(cred);

	return n && prov_is_opaque(n);
}

static inline struct prov_task_blob *
prov_task_blob(const struct task_struct *task)
{
	if (unlikely(!task || !task->security))
		return NULL;
	return task->security + prov_blob_sizes.lbs_task;
}

static inline struct prov_node *prov_task_node(const struct task_struct *task)
{
	struct prov_task_blob *blob = prov_task_blob(task);

	return blob ? prov_live(&blob->node) : NULL;
}

static inline struct prov_node *prov_inode_blob(const struct inode *inode)
{
	if (unlikely(!inode || !inode->i_security))
		return NULL;
	return inode->i_security + prov_blob_sizes.lbs_inode;
}

static inline struct prov_node *prov_inode_node(const struct inode *inode)
{
	if (unlikely(!inode || !inode->i_security))
		return NULL;
	return prov_live(inode->i_security + prov_blob_sizes.lbs_inode);
}

/* Node of a SysV IPC object (message queue, shared memory, semaphores). */
static inline struct prov_node *prov_ipc_blob(const struct kern_ipc_perm *perm)
{
	if (unlikely(!perm || !perm->security))
		return NULL;
	return perm->security + prov_blob_sizes.lbs_ipc;
}

static inline struct prov_node *prov_ipc_node(const struct kern_ipc_perm *perm)
{
	return prov_live(prov_ipc_blob(perm));
}

/* Node of a SysV or POSIX message. */
static inline struct prov_node *prov_msg_blob(const struct msg_msg *msg)
{
	if (unlikely(!msg || !msg->security))
		return NULL;
	return msg->security + prov_blob_sizes.lbs_msg_msg;
}

static inline struct prov_node *prov_msg_node(const struct msg_msg *msg)
{
	return prov_live(prov_msg_blob(msg));
}

/* Superblock blob: a random identity for file systems without a uuid. */
struct prov_sb_blob {
	u8 uuid[16];
};

static inline struct prov_sb_blob *prov_sb_blob(const struct super_block *sb)
{
	if (unlikely(!sb || !sb->s_security))
		return NULL;
	return sb->s_security + prov_blob_sizes.lbs_superblock;
}

/* The process memory and the task of current. */
struct prov_ctx {
	struct prov_node *proc;
	struct prov_node *task;
};

bool prov_ctx_current(struct prov_ctx *ctx, bool may_sleep);
bool prov_current_repeats(u64 type, const struct prov_node *entity,
			  bool may_sleep);
struct prov_node *prov_current_task(void);
struct prov_node *prov_task_get(struct task_struct *t);
void prov_current_ns(struct prov_nsinfo *ns);

/* The ids of a cred into its record, node lock held. */
void prov_proc_refresh(struct prov_node *n);

/* Inode node with its type brought up to date; NULL if not recorded. */
struct prov_node *prov_inode_get(struct inode *inode);
void prov_inode_mark_opaque(struct inode *inode);

/*
 * @n, the node of @file that current is about to write, informs every other
 * process mapping @file (mapping.c; sleepable hooks only).
 */
void prov_inform_mappers(struct file *file, struct prov_node *n);
/*
 * The memory of every other process mapping @file shared and writable goes
 * into @n, the node of @file that current is about to read (mapping.c).
 */
void prov_gather_writers(struct file *file, struct prov_node *n);
/*
 * @proc maps a file shared and writable: its reads go into it at once, not
 * deferred by the graph economy (mapping.c).
 */
void prov_mark_shared_map(struct prov_node *proc);

/* Secid of the process memory, refreshed outside the node lock. */
void prov_proc_update_secid(struct prov_node *proc);

#endif /* _SECURITY_PROVENANCE_OBJECTS_H */
