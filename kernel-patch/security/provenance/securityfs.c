// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - control files in /sys/kernel/security/provenance/
 *
 * Boolean files read "0\n" or "1\n" and accept exactly "0", "1", "false"
 * or "true", optionally followed by a newline or a NUL; "flush" and "epoch"
 * act on "1".  Binary files take exactly their structure; the *_filter
 * files take a struct prov_filter and read as the u64 bitmap.  Every
 * write that changes something needs CAP_AUDIT_CONTROL; "type" only
 * answers queries.  The files are opaque: using them is never recorded.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "common.h"
#include "label.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "relay.h"
#include "securityfs.h"
#include "setup.h"
#include "target.h"
#include "type.h"

/* Longest text accepted by a boolean file. */
#define PROV_BOOL_MAX	16

/* Parse a strict boolean (see the top of this file) written by userspace. */
static int prov_bool_from_user(const char __user *buf, size_t count, bool *v)
{
	char s[PROV_BOOL_MAX + 1] = {};
	size_t len = count;

	if (!count || count > PROV_BOOL_MAX)
		return -EINVAL;
	if (copy_from_user(s, buf, count))
		return -EFAULT;
	if (s[len - 1] == '\n' || s[len - 1] == '\0')
		len--;
	s[len] = '\0';
	if (strlen(s) != len)
		return -EINVAL;
	if (!strcmp(s, "1") || !strcmp(s, "true"))
		*v = true;
	else if (!strcmp(s, "0") || !strcmp(s, "false"))
		*v = false;
	else
		return -EINVAL;
	return 0;
}

/* Accept only a strict "1": the trigger of flush and epoch. */
static int prov_trigger_from_user(const char __user *buf, size_t count)
{
	bool v;
	int rc = prov_bool_from_user(buf, count, &v);

	if (rc)
		return rc;
	return v ? 0 : -EINVAL;
}

static ssize_t prov_read_bool(char __user *buf, size_t count, loff_t *ppos,
			      bool value)
{
	char s[2] = { value ? '1' : '0', '\n' };

	return simple_read_from_buffer(buf, count, ppos, s, sizeof(s));
}

static ssize_t prov_bool_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	bool *value = file_inode(file)->i_private;

	return prov_read_bool(buf, count, ppos, READ_ONCE(*value));
}

static ssize_t prov_bool_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	bool *value = file_inode(file)->i_private;
	bool v;
	int rc;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	rc = prov_bool_from_user(buf, count, &v);
	if (rc)
		return rc;
	WRITE_ONCE(*value, v);
	atomic_inc(&prov_policy_generation);
	if (value == &prov_policy.enabled || value == &prov_policy.all)
		prov_gate_sync();
	return count;
}

static const struct file_operations prov_bool_fops = {
	.read = prov_bool_read,
	.write = prov_bool_write,
	.llseek = generic_file_llseek,
};

/* Serialises the read-modify-write of the filter bitmaps. */
static DEFINE_MUTEX(prov_filter_mutex);

static ssize_t prov_filter_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	u64 *bitmap = file_inode(file)->i_private;
	u64 v = READ_ONCE(*bitmap);

	return simple_read_from_buffer(buf, count, ppos, &v, sizeof(v));
}

/* The type bits a filter file may be given above the subtype bits. */
static u64 prov_filter_family(const u64 *bitmap)
{
	const struct prov_policy *p = &prov_policy;

	if (bitmap == &p->derived_filter || bitmap == &p->prop_derived_filter)
		return RL_DERIVED;
	if (bitmap == &p->generated_filter ||
	    bitmap == &p->prop_generated_filter)
		return RL_GENERATED;
	if (bitmap == &p->used_filter || bitmap == &p->prop_used_filter)
		return RL_USED;
	if (bitmap == &p->informed_filter ||
	    bitmap == &p->prop_informed_filter)
		return RL_INFORMED;
	return 0;	/* node filters */
}

/*
 * struct prov_filter: add or remove (filter & mask) in the bitmap.  The
 * type word may carry the family of the file (or be a node type for the
 * node filters); a request changing no bit is refused.
 */
static ssize_t prov_filter_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	u64 *bitmap = file_inode(file)->i_private;
	u64 family = prov_filter_family(bitmap);
	struct prov_filter f;
	u64 bits, high;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	if (count != sizeof(f))
		return -EINVAL;
	if (copy_from_user(&f, buf, sizeof(f)))
		return -EFAULT;
	if (f.add > 1 || memchr_inv(f.reserved, 0, sizeof(f.reserved)))
		return -EINVAL;
	high = f.filter & ~SUBTYPE_MASK;
	if (family ? high && high != family : high & DM_RELATION)
		return -EINVAL;
	bits = f.filter & f.mask & SUBTYPE_MASK;
	if (!bits)
		return -EINVAL;
	mutex_lock(&prov_filter_mutex);
	if (f.add)
		WRITE_ONCE(*bitmap, *bitmap | bits);
	else
		WRITE_ONCE(*bitmap, *bitmap & ~bits);
	atomic_inc(&prov_policy_generation);
	mutex_unlock(&prov_filter_mutex);
	return count;
}

static const struct file_operations prov_filter_fops = {
	.read = prov_filter_read,
	.write = prov_filter_write,
	.llseek = generic_file_llseek,
};

static ssize_t prov_written_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	return prov_read_bool(buf, count, ppos, prov_relay_written());
}

static const struct file_operations prov_written_fops = {
	.read = prov_written_read,
	.llseek = generic_file_llseek,
};

static ssize_t prov_relay_conf_write(struct file *file, const char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct prov_relay_conf conf;
	int rc;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	if (count != sizeof(conf))
		return -EINVAL;
	memset(&conf, 0, sizeof(conf));
	if (copy_from_user(&conf, buf, sizeof(conf)))
		return -EFAULT;
	rc = prov_relay_start(&conf);
	return rc ? rc : count;
}

static const struct file_operations prov_relay_conf_fops = {
	.write = prov_relay_conf_write,
	.llseek = generic_file_llseek,
};

static ssize_t prov_self_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct prov_node *n = prov_cred_node(current_cred());
	struct prov_proc_record rec;
	unsigned long flags;

	if (!n)
		return -ENODEV;
	prov_lock(n, &flags);
	prov_proc_refresh(n);
	memcpy(&rec, &n->rec.proc, sizeof(rec));
	prov_unlock(n, flags);
	return simple_read_from_buffer(buf, count, ppos, &rec, sizeof(rec));
}

static ssize_t prov_self_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	const u32 ops = PROV_SET_TRACKED | PROV_SET_OPAQUE |
			PROV_SET_PROPAGATE | PROV_SET_TAINT;
	struct prov_node *proc = prov_cred_node(current_cred());
	struct prov_node *task = prov_task_node(current);
	struct prov_process_config cfg;
	u32 set, clear;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	if (count != sizeof(cfg))
		return -EINVAL;
	memset(&cfg, 0, sizeof(cfg));
	if (copy_from_user(&cfg, buf, sizeof(cfg)))
		return -EFAULT;
	if ((cfg.op & ~ops) || (cfg.flags & ~PROV_FLAGS_PUBLIC) ||
	    memchr_inv(cfg.reserved, 0, sizeof(cfg.reserved)) || cfg.reserved2)
		return -EINVAL;
	if (!proc || !task)
		return -ENODEV;
	prov_op_flags(cfg.op, cfg.flags, &set, &clear);
	prov_set_flags(proc, set, clear);
	/* A task is opaque when its process is: mirror the bit. */
	prov_set_flags(task, set & PROV_FLAG_OPAQUE, clear & PROV_FLAG_OPAQUE);
	if (cfg.op & PROV_SET_TAINT)
		prov_add_taint(proc, cfg.taint);
	return count;
}

static const struct file_operations prov_self_fops = {
	.read = prov_self_read,
	.write = prov_self_write,
	.llseek = generic_file_llseek,
};

static ssize_t prov_flush_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	int rc;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	rc = prov_trigger_from_user(buf, count);
	if (rc)
		return rc;
	rc = prov_relay_flush();
	return rc ? rc : count;
}

static const struct file_operations prov_flush_fops = {
	.write = prov_flush_write,
	.llseek = generic_file_llseek,
};

static ssize_t prov_dropped_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct prov_dropped d = { .count = prov_drop_count() };

	return simple_read_from_buffer(buf, count, ppos, &d, sizeof(d));
}

static ssize_t prov_sent_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	u64 sent = prov_sent_count();

	return simple_read_from_buffer(buf, count, ppos, &sent, sizeof(sent));
}

static ssize_t prov_links_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	u64 links = prov_links_count();

	return simple_read_from_buffer(buf, count, ppos, &links, sizeof(links));
}

static ssize_t prov_gate_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	unsigned long g = READ_ONCE(prov_gate);
	struct prov_gate_state st = { .tracked = prov_tracked_count() };

	if (g & BIT(PROV_GATE_ENABLED))
		st.gate |= PROV_GATE_STATE_ENABLED;
	if (g & BIT(PROV_GATE_ALL))
		st.gate |= PROV_GATE_STATE_ALL;
	if (g & BIT(PROV_GATE_TARGETS))
		st.gate |= PROV_GATE_STATE_TARGETS;
	if (g & BIT(PROV_GATE_TRACKED))
		st.gate |= PROV_GATE_STATE_TRACKED;
	return simple_read_from_buffer(buf, count, ppos, &st, sizeof(st));
}

static const struct file_operations prov_gate_fops = {
	.read = prov_gate_read,
	.llseek = generic_file_llseek,
};

static const struct file_operations prov_sent_fops = {
	.read = prov_sent_read,
	.llseek = generic_file_llseek,
};

static const struct file_operations prov_links_fops = {
	.read = prov_links_read,
	.llseek = generic_file_llseek,
};

static const struct file_operations prov_dropped_fops = {
	.read = prov_dropped_read,
	.llseek = generic_file_llseek,
};

/* machine_id and boot_id: i_private points to the getter of the id. */
typedef u32 (*prov_id_getter)(void);
static const prov_id_getter prov_machine_id_getter = prov_machine_id;
static const prov_id_getter prov_boot_id_getter = prov_boot_id;

static ssize_t prov_id_read(struct file *file, char __user *buf,
			    size_t count, loff_t *ppos)
{
	const prov_id_getter *get = file_inode(file)->i_private;
	u32 id = (*get)();

	return simple_read_from_buffer(buf, count, ppos, &id, sizeof(id));
}

static const struct file_operations prov_id_fops = {
	.read = prov_id_read,
	.llseek = generic_file_llseek,
};

static ssize_t prov_version_read(struct file *file, char __user *buf,
				 size_t count, loff_t *ppos)
{
	static const char v[] = PROV_VERSION_STR "\n";

	return simple_read_from_buffer(buf, count, ppos, v, sizeof(v) - 1);
}

static const struct file_operations prov_version_fops = {
	.read = prov_version_read,
	.llseek = generic_file_llseek,
};

static ssize_t prov_epoch_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	char s[16];
	int len;

	len = scnprintf(s, sizeof(s), "%u\n", prov_current_epoch());
	return simple_read_from_buffer(buf, count, ppos, s, len);
}

static ssize_t prov_epoch_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	int rc;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	rc = prov_trigger_from_user(buf, count);
	if (rc)
		return rc;
	atomic_inc(&prov_epoch);
	return count;
}

static const struct file_operations prov_epoch_fops = {
	.read = prov_epoch_read,
	.write = prov_epoch_write,
	.llseek = generic_file_llseek,
};

/* The type file: a write asks, a read of the same open file answers. */
struct prov_type_answer {
	struct mutex lock;	/* protects ready and t */
	bool ready;
	struct prov_type t;
};

static int prov_type_open(struct inode *inode, struct file *file)
{
	struct prov_type_answer *a;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	mutex_init(&a->lock);
	file->private_data = a;
	return 0;
}

static int prov_type_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t prov_type_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct prov_type_answer *a = file->private_data;
	struct prov_type *t;
	bool relation;
	ssize_t rc;

	if (count != sizeof(*t))
		return -EINVAL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	rc = -EFAULT;
	if (copy_from_user(t, buf, sizeof(*t)))
		goto out;
	rc = -EINVAL;
	if (t->is_relation > 1)
		goto out;
	relation = t->is_relation;
	memset(t->reserved, 0, sizeof(t->reserved));
	if (t->id) {
		memset(t->str, 0, sizeof(t->str));
		strscpy(t->str, prov_type_name(t->id, relation), sizeof(t->str));
	} else {
		if (!memchr(t->str, '\0', sizeof(t->str)))
			goto out;
		t->id = prov_type_from_name(t->str, relation);
		rc = -ENOENT;
		if (!t->id)
			goto out;
		/* Do not hand back bytes after the terminator. */
		strscpy_pad(t->str, prov_type_name(t->id, relation),
			    sizeof(t->str));
	}
	mutex_lock(&a->lock);
	a->t = *t;
	a->ready = true;
	mutex_unlock(&a->lock);
	*ppos = 0;
	rc = count;
out:
	kfree(t);
	return rc;
}

static ssize_t prov_type_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct prov_type_answer *a = file->private_data;
	ssize_t rc = -EINVAL;

	mutex_lock(&a->lock);
	if (a->ready)
		rc = simple_read_from_buffer(buf, count, ppos, &a->t,
					     sizeof(a->t));
	mutex_unlock(&a->lock);
	return rc;
}

static const struct file_operations prov_type_fops = {
	.open = prov_type_open,
	.release = prov_type_release,
	.read = prov_type_read,
	.write = prov_type_write,
	.llseek = generic_file_llseek,
};

static const struct prov_fs_file prov_fs_files[] = {
	{ "enable", 0644, &prov_policy.enabled, &prov_bool_fops },
	{ "all", 0644, &prov_policy.all, &prov_bool_fops },
	{ "should_version", 0644, &prov_policy.should_version,
	  &prov_bool_fops },
	{ "compress_node", 0644, &prov_policy.compress_node, &prov_bool_fops },
	{ "compress_edge", 0644, &prov_policy.compress_edge, &prov_bool_fops },
	{ "duplicate", 0644, &prov_policy.duplicate, &prov_bool_fops },
	{ "economy", 0644, &prov_policy.economy, &prov_bool_fops },
	{ "label", 0644, &prov_policy.label, &prov_bool_fops },
	{ "label_stats", 0444, NULL, &prov_label_stats_fops },
	{ "node_filter", 0644, &prov_policy.node_filter, &prov_filter_fops },
	{ "derived_filter", 0644, &prov_policy.derived_filter,
	  &prov_filter_fops },
	{ "generated_filter", 0644, &prov_policy.generated_filter,
	  &prov_filter_fops },
	{ "used_filter", 0644, &prov_policy.used_filter, &prov_filter_fops },
	{ "informed_filter", 0644, &prov_policy.informed_filter,
	  &prov_filter_fops },
	{ "propagate_node_filter", 0644, &prov_policy.prop_node_filter,
	  &prov_filter_fops },
	{ "propagate_derived_filter", 0644, &prov_policy.prop_derived_filter,
	  &prov_filter_fops },
	{ "propagate_generated_filter", 0644,
	  &prov_policy.prop_generated_filter, &prov_filter_fops },
	{ "propagate_used_filter", 0644, &prov_policy.prop_used_filter,
	  &prov_filter_fops },
	{ "propagate_informed_filter", 0644,
	  &prov_policy.prop_informed_filter, &prov_filter_fops },
	{ "written", 0444, NULL, &prov_written_fops },
	{ "relay_conf", 0644, NULL, &prov_relay_conf_fops },
	{ "self", 0644, NULL, &prov_self_fops },
	{ "flush", 0600, NULL, &prov_flush_fops },
	{ "dropped", 0444, NULL, &prov_dropped_fops },
	{ "sent", 0444, NULL, &prov_sent_fops },
	{ "links", 0444, NULL, &prov_links_fops },
	{ "gate", 0444, NULL, &prov_gate_fops },
	{ "machine_id", 0444, (void *)&prov_machine_id_getter, &prov_id_fops },
	{ "boot_id", 0444, (void *)&prov_boot_id_getter, &prov_id_fops },
	{ "version", 0444, NULL, &prov_version_fops },
	{ "epoch", 0644, NULL, &prov_epoch_fops },
	{ "type", 0666, NULL, &prov_type_fops },
};

static const int prov_fs_files_count = ARRAY_SIZE(prov_fs_files);

/* Every table of files, this file's first. */
static const struct {
	const struct prov_fs_file *files;
	const int *count;
} prov_fs_tables[] = {
	{ prov_fs_files, &prov_fs_files_count },
	{ prov_control_files, &prov_control_files_count },
	{ prov_target_files, &prov_target_files_count },
	{ prov_hash_files, &prov_hash_files_count },
};

#define PROV_FS_FILES_MAX	64

static struct dentry *prov_fs_dentries[PROV_FS_FILES_MAX];
static struct dentry *prov_fs_dir;

static void __init prov_fs_cleanup(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(prov_fs_dentries); i++)
		securityfs_remove(prov_fs_dentries[i]);
	securityfs_remove(prov_fs_dir);
}

static int __init prov_fs_init(void)
{
	const struct prov_fs_file *f;
	struct dentry *d;
	int t, i, made = 0;

	if (!prov_initialized)
		return 0;
	d = securityfs_create_dir(PROV_LSM_NAME, NULL);
	if (IS_ERR(d))
		goto fail;
	prov_fs_dir = d;
	prov_inode_mark_opaque(d_inode(d));
	for (t = 0; t < ARRAY_SIZE(prov_fs_tables); t++) {
		for (i = 0; i < *prov_fs_tables[t].count; i++) {
			f = &prov_fs_tables[t].files[i];
			d = ERR_PTR(-ENOSPC);
			if (made >= PROV_FS_FILES_MAX)
				goto fail;
			d = securityfs_create_file(f->name, f->mode,
						   prov_fs_dir, f->data,
						   f->fops);
			if (IS_ERR(d))
				goto fail;
			prov_fs_dentries[made++] = d;
			prov_inode_mark_opaque(d_inode(d));
		}
	}
	return 0;
fail:
	pr_err("cannot create securityfs files: %ld\n", PTR_ERR(d));
	prov_fs_cleanup();
	return PTR_ERR(d);
}

fs_initcall(prov_fs_init);
