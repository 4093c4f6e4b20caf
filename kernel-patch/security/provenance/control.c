// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - the "process" and "file" control files
 *
 * A write selects one object (a process by vpid, a file by path or open
 * descriptor) and, with a non-zero op, changes its TRACKED, OPAQUE and
 * PROPAGATE flags and ORs taint in (CAP_AUDIT_CONTROL needed).  With op 0
 * it is a query open to everyone.  Either way, a read of the same open
 * file then returns the object's struct prov_object_state.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/uaccess.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "record.h"
#include "relay.h"
#include "securityfs.h"

/* The op bits "process" and "file" accept. */
#define PROV_CONTROL_OPS	(PROV_SET_TRACKED | PROV_SET_OPAQUE | \
				 PROV_SET_PROPAGATE | PROV_SET_TAINT)

void prov_op_flags(u8 op, u32 flags, u32 *set, u32 *clear)
{
	static const struct {
		u8 op;
		u32 flag;
	} bits[] = {
		{ PROV_SET_TRACKED, PROV_FLAG_TRACKED },
		{ PROV_SET_OPAQUE, PROV_FLAG_OPAQUE },
		{ PROV_SET_PROPAGATE, PROV_FLAG_PROPAGATE },
	};
	int i;

	*set = 0;
	*clear = 0;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(op & bits[i].op))
			continue;
		if (flags & bits[i].flag)
			*set |= bits[i].flag;
		else
			*clear |= bits[i].flag;
	}
}

void prov_object_state_fill(struct prov_node *n, struct prov_object_state *st)
{
	struct prov_node_identifier *id = &st->identifier.node;
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	prov_lock(n, &flags);
	st->identifier = n->rec.c.elt.identifier;
	st->flags = n->rec.c.elt.flags & PROV_FLAGS_PUBLIC;
	st->taint = n->rec.c.elt.taint;
	prov_unlock(n, flags);
	/* As the records name it once relay is configured. */
	if (!id->boot_id)
		id->boot_id = prov_boot_id();
	if (!id->machine_id)
		id->machine_id = prov_machine_id();
}

/* Apply a validated change to one node. */
static void prov_control_apply(struct prov_node *n, u8 op, u32 flags,
			       u64 taint, u32 *set, u32 *clear)
{
	prov_op_flags(op, flags, set, clear);
	if (*set || *clear)
		prov_set_flags(n, *set, *clear);
	if (op & PROV_SET_TAINT)
		prov_add_taint(n, taint);
}

/* The answer of the last write on one open file. */
struct prov_state_answer {
	struct mutex lock;	/* protects ready and state */
	bool ready;
	struct prov_object_state state;
};

static int prov_answer_open(struct inode *inode, struct file *file)
{
	struct prov_state_answer *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	mutex_init(&a->lock);
	file->private_data = a;
	return 0;
}

static int prov_answer_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static void prov_answer_set(struct file *file, struct prov_object_state *st,
			    loff_t *ppos)
{
	struct prov_state_answer *a = file->private_data;

	mutex_lock(&a->lock);
	a->state = *st;
	a->ready = true;
	mutex_unlock(&a->lock);
	*ppos = 0;
}

/* Nothing was asked on this open file yet: EINVAL. */
static ssize_t prov_answer_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct prov_state_answer *a = file->private_data;
	ssize_t rc = -EINVAL;

	mutex_lock(&a->lock);
	if (a->ready)
		rc = simple_read_from_buffer(buf, count, ppos, &a->state,
					     sizeof(a->state));
	mutex_unlock(&a->lock);
	return rc;
}

static int prov_control_check(u8 op, u32 flags)
{
	if ((op & ~PROV_CONTROL_OPS) || (flags & ~PROV_FLAGS_PUBLIC))
		return -EINVAL;
	if (op && !capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	return 0;
}

/* A task of the caller's pid namespace, with a reference. */
static struct task_struct *prov_task_by_vpid(u32 vpid)
{
	struct task_struct *task;

	if (!vpid || vpid > PID_MAX_LIMIT)
		return NULL;
	rcu_read_lock();
	task = find_task_by_vpid(vpid);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/* The threads of a process are opaque when the process is. */
static void prov_mirror_opaque(struct task_struct *task, u32 set, u32 clear)
{
	struct task_struct *t;
	struct prov_node *n;

	set &= PROV_FLAG_OPAQUE;
	clear &= PROV_FLAG_OPAQUE;
	if (!set && !clear)
		return;
	rcu_read_lock();
	for_each_thread(task, t) {
		n = prov_task_node(t);
		if (n)
			prov_set_flags(n, set, clear);
	}
	rcu_read_unlock();
}

static ssize_t prov_process_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct prov_process_config cfg;
	struct prov_object_state st;
	struct task_struct *task;
	const struct cred *cred;
	struct prov_node *proc;
	u32 set, clear;
	int rc;

	if (count != sizeof(cfg))
		return -EINVAL;
	if (copy_from_user(&cfg, buf, sizeof(cfg)))
		return -EFAULT;
	if (memchr_inv(cfg.reserved, 0, sizeof(cfg.reserved)) ||
	    cfg.reserved2)
		return -EINVAL;
	rc = prov_control_check(cfg.op, cfg.flags);
	if (rc)
		return rc;
	task = prov_task_by_vpid(cfg.vpid);
	if (!task)
		return -ESRCH;
	cred = get_task_cred(task);
	proc = prov_cred_node(cred);
	rc = -ENODEV;
	if (proc) {
		prov_control_apply(proc, cfg.op, cfg.flags, cfg.taint, &set,
				   &clear);
		prov_mirror_opaque(task, set, clear);
		prov_object_state_fill(proc, &st);
		prov_answer_set(file, &st, ppos);
		rc = 0;
	}
	put_cred(cred);
	put_task_struct(task);
	return rc ? rc : count;
}

static const struct file_operations prov_process_fops = {
	.open = prov_answer_open,
	.release = prov_answer_release,
	.read = prov_answer_read,
	.write = prov_process_write,
	.llseek = generic_file_llseek,
};

/* Change or query the inode, then keep the answer. */
static int prov_file_apply(struct file *file, struct inode *inode,
			   const struct prov_file_config *cfg, loff_t *ppos)
{
	struct prov_object_state st;
	struct prov_node *n = prov_inode_get(inode);
	u32 set, clear;

	if (!n)
		return -ENODEV;
	prov_control_apply(n, cfg->op, cfg->flags, cfg->taint, &set, &clear);
	prov_object_state_fill(n, &st);
	prov_answer_set(file, &st, ppos);
	return 0;
}

static int prov_file_by_path(struct file *file, const char __user *upath,
			     const struct prov_file_config *cfg, loff_t *ppos)
{
	struct path path;
	char *name;
	int rc;

	name = memdup_user_nul(upath, cfg->path_length);
	if (IS_ERR(name))
		return PTR_ERR(name);
	rc = -EINVAL;
	if (strlen(name) != cfg->path_length)
		goto out;
	rc = kern_path(name, LOOKUP_FOLLOW, &path);
	if (rc)
		goto out;
	rc = prov_file_apply(file, d_backing_inode(path.dentry), cfg, ppos);
	path_put(&path);
out:
	kfree(name);
	return rc;
}

static int prov_file_by_fd(struct file *file,
			   const struct prov_file_config *cfg, loff_t *ppos)
{
	struct file *target = fget(cfg->fd);
	int rc;

	if (!target)
		return -EBADF;
	rc = prov_file_apply(file, file_inode(target), cfg, ppos);
	fput(target);
	return rc;
}

/*
 * struct prov_file_config, then path_length bytes of path (no NUL) when
 * fd is -1; with fd >= 0 nothing follows.
 */
static ssize_t prov_file_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct prov_file_config cfg;
	int rc;

	if (count < sizeof(cfg))
		return -EINVAL;
	if (copy_from_user(&cfg, buf, sizeof(cfg)))
		return -EFAULT;
	if (memchr_inv(cfg.reserved, 0, sizeof(cfg.reserved)) ||
	    cfg.path_length >= PATH_MAX ||
	    count != sizeof(cfg) + cfg.path_length)
		return -EINVAL;
	if (cfg.fd >= 0 ? cfg.path_length != 0 :
			  cfg.fd != -1 || cfg.path_length == 0)
		return -EINVAL;
	rc = prov_control_check(cfg.op, cfg.flags);
	if (rc)
		return rc;
	if (cfg.fd >= 0)
		rc = prov_file_by_fd(file, &cfg, ppos);
	else
		rc = prov_file_by_path(file, buf + sizeof(cfg), &cfg, ppos);
	return rc ? rc : count;
}

static const struct file_operations prov_file_fops = {
	.open = prov_answer_open,
	.release = prov_answer_release,
	.read = prov_answer_read,
	.write = prov_file_write,
	.llseek = generic_file_llseek,
};

/* Writable by everyone for queries; changes check the capability. */
const struct prov_fs_file prov_control_files[] = {
	{ "process", 0666, NULL, &prov_process_fops },
	{ "file", 0666, NULL, &prov_file_fops },
};

const int prov_control_files_count = ARRAY_SIZE(prov_control_files);
