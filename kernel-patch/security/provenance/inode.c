// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - inodes (ENT_INODE_*) and superblocks
 *
 * Every inode is an entity node; its type follows its mode.  Directory
 * operations are recorded on the inodes involved.  Inodes are named from
 * a full path where a hook has one (the path hooks, getattr) and from the
 * dentry otherwise.
 */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/namei.h>
#include <linux/random.h>
#include <linux/security.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/uuid.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static u64 prov_inode_type(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return ENT_INODE_FILE;
	case S_IFDIR:
		return ENT_INODE_DIRECTORY;
	case S_IFLNK:
		return ENT_INODE_LINK;
	case S_IFCHR:
		return ENT_INODE_CHAR;
	case S_IFBLK:
		return ENT_INODE_BLOCK;
	case S_IFIFO:
		return ENT_INODE_PIPE;
	case S_IFSOCK:
		return ENT_INODE_SOCKET;
	default:
		return ENT_INODE_UNKNOWN;
	}
}

/* Called by the engine with the node lock held. */
static void prov_inode_refresh(struct prov_node *n)
{
	struct inode *inode = n->obj;
	struct prov_inode_record *r = &n->rec.inode;
	struct prov_sb_blob *sb;

	if (!inode)
		return;
	r->ino = inode->i_ino;
	r->mode = inode->i_mode;
	r->node.uid = from_kuid_munged(&init_user_ns, inode->i_uid);
	r->node.gid = from_kgid_munged(&init_user_ns, inode->i_gid);
	sb = prov_sb_blob(inode->i_sb);
	if (sb)
		memcpy(r->sb_uuid, sb->uuid, sizeof(r->sb_uuid));
}

/* The node type follows the mode, set after the inode was allocated. */
static void prov_inode_update_type(struct inode *inode, struct prov_node *n)
{
	u64 type = prov_inode_type(READ_ONCE(inode->i_mode));

	/* Racy hint, prov_retype() checks again under the lock. */
	if (type != ENT_INODE_UNKNOWN && type != data_race(prov_node_type(n)))
		prov_retype(n, type);
}

/* Could a hook of current record @n (see prov_shape_ok)? */
static bool prov_inode_may_record(const struct prov_node *n)
{
	const struct prov_node *task, *proc;

	if (prov_all() || prov_is_tracked(n))
		return true;
	if (!in_task())
		return true;
	task = prov_task_node(current);
	proc = prov_cred_node(current_cred());
	return (task && prov_is_tracked(task)) || (proc && prov_is_tracked(proc));
}

struct prov_node *prov_inode_get(struct inode *inode)
{
	struct prov_node *n = prov_inode_node(inode);
	unsigned long flags;
	u32 secid;

	if (!n)
		return NULL;
	prov_inode_update_type(inode, n);
	/*
	 * Racy hint: a stale secid is refreshed by a later hook.  Only a
	 * node that may be recorded now is refreshed: capture is
	 * whole-system or the inode or current is tracked.
	 */
	if (data_race(n->recorded_epoch != prov_current_epoch()) &&
	    prov_inode_may_record(n)) {
		security_inode_getsecid(inode, &secid);
		prov_lock(n, &flags);
		n->rec.inode.node.secid = secid;
		prov_unlock(n, flags);
	}
	return n;
}

void prov_inode_mark_opaque(struct inode *inode)
{
	struct prov_node *n = prov_inode_node(inode);

	if (n)
		prov_set_flags(n, PROV_FLAG_OPAQUE, 0);
}

static int prov_inode_alloc_security(struct inode *inode)
{
	struct prov_node *n = prov_inode_blob(inode);

	if (n)
		prov_node_setup(n, PROV_CLASS_INODE, inode,
				prov_inode_type(inode->i_mode));
	return 0;
}

static void prov_inode_free_security(struct inode *inode)
{
	struct prov_node *n = prov_inode_node(inode);

	if (!n)
		return;
	/* Typed from its mode first: it may never have been looked at. */
	prov_inode_update_type(inode, n);
	prov_terminate(RL_FREED, n);
	prov_node_free(n);
}

/* Current generated a change of @inode, named from @dentry if unnamed. */
static void prov_inode_generated(u64 type, struct inode *inode,
				 struct dentry *dentry, u64 flags)
{
	struct prov_edge edge = { .flags = flags };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_ctx_current(&ctx, true))
		return;
	n = prov_inode_get(inode);
	if (!n)
		return;
	prov_name_dentry(n, dentry, false);
	prov_generates(type, ctx.proc, ctx.task, n, &edge);
}

static int prov_inode_create(struct inode *dir, struct dentry *dentry,
			     umode_t mode)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_INODE_CREATE, dir, dentry->d_parent, mode);
	return 0;
}

/* mkdir, mknod and symlink create an entry like create does. */
static int prov_inode_mkdir(struct inode *dir, struct dentry *dentry,
			    umode_t mode)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_INODE_CREATE, dir, dentry->d_parent,
			     mode | S_IFDIR);
	return 0;
}

static int prov_inode_mknod(struct inode *dir, struct dentry *dentry,
			    umode_t mode, dev_t dev)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_INODE_CREATE, dir, dentry->d_parent, mode);
	return 0;
}

static int prov_inode_symlink(struct inode *dir, struct dentry *dentry,
			      const char *old_name)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_SYMLINK, dir, dentry->d_parent, 0);
	return 0;
}

static int prov_inode_link(struct dentry *old_dentry, struct inode *dir,
			   struct dentry *new_dentry)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_LINK, d_backing_inode(old_dentry), old_dentry,
			     0);
	return 0;
}

static int prov_inode_unlink(struct inode *dir, struct dentry *dentry)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_UNLINK, d_backing_inode(dentry), dentry, 0);
	return 0;
}

static int prov_inode_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_UNLINK, d_backing_inode(dentry), dentry, 0);
	return 0;
}

static int prov_inode_rename(struct inode *old_dir, struct dentry *old_dentry,
			     struct inode *new_dir, struct dentry *new_dentry)
{
	if (!prov_gate_open())
		return 0;
	prov_inode_generated(RL_RENAME, d_backing_inode(old_dentry),
			     old_dentry, 0);
	return 0;
}

/* Rename and link give an inode a new name: record it with its path. */
static void prov_name_new_entry(struct dentry *dentry, const struct path *dir,
				struct dentry *entry)
{
	struct prov_node *n;

	if (!prov_enabled() || !dentry || d_is_negative(dentry))
		return;
	n = prov_inode_get(d_backing_inode(dentry));
	if (n)
		prov_name_child(n, dir, &entry->d_name, true);
}

/*
 * The path hooks run before the inode hooks of the same operation and
 * give the inodes their names as the calling process sees them.
 */
static int prov_path_name(const struct path *path)
{
	struct prov_node *n;

	if (!prov_enabled() || !path->dentry || d_is_negative(path->dentry))
		return 0;
	n = prov_inode_get(d_backing_inode(path->dentry));
	if (n)
		prov_name_path(n, path, false);
	return 0;
}

/* Creating in a directory: name the directory. */
static int prov_path_create(const struct path *dir)
{
	return prov_path_name(dir);
}

/* Removing an entry: name what it points to, from the directory path. */
static int prov_path_remove(const struct path *dir, struct dentry *dentry)
{
	struct prov_node *n;

	if (!prov_enabled() || d_is_negative(dentry))
		return 0;
	n = prov_inode_get(d_backing_inode(dentry));
	if (n)
		prov_name_child(n, dir, &dentry->d_name, false);
	return 0;
}

static int prov_path_unlink(const struct path *dir, struct dentry *dentry)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_remove(dir, dentry);
}

static int prov_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_remove(dir, dentry);
}

static int prov_path_truncate(const struct path *path)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_name(path);
}

static int prov_path_chmod(const struct path *path, umode_t mode)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_name(path);
}

static int prov_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_name(path);
}

static int prov_path_mknod(const struct path *dir, struct dentry *dentry,
			   umode_t mode, unsigned int dev)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_create(dir);
}

static int prov_path_mkdir(const struct path *dir, struct dentry *dentry,
			   umode_t mode)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_create(dir);
}

static int prov_path_symlink(const struct path *dir, struct dentry *dentry,
			     const char *old_name)
{
	if (!prov_gate_open())
		return 0;
	return prov_path_create(dir);
}

static int prov_path_link(struct dentry *old_dentry,
			  const struct path *new_dir, struct dentry *new_dentry)
{
	if (!prov_gate_open())
		return 0;
	prov_name_new_entry(old_dentry, new_dir, new_dentry);
	return 0;
}

static int prov_path_rename(const struct path *old_dir,
			    struct dentry *old_dentry,
			    const struct path *new_dir,
			    struct dentry *new_dentry, unsigned int flags)
{
	if (!prov_gate_open())
		return 0;
	prov_name_new_entry(old_dentry, new_dir, new_dentry);
	if (flags & RENAME_EXCHANGE)
		prov_name_new_entry(new_dentry, old_dir, old_dentry);
	return 0;
}

/* A transient node describing an attribute change. */
static void prov_iattr_fill(struct prov_iattr_record *r,
			    const struct iattr *attr)
{
	unsigned int valid = attr->ia_valid;

	/* Only the fields flagged in ia_valid are set by the caller. */
	r->valid = valid;
	if (valid & ATTR_MODE)
		r->mode = attr->ia_mode;
	if (valid & ATTR_UID)
		r->node.uid = from_kuid_munged(&init_user_ns, attr->ia_uid);
	if (valid & ATTR_GID)
		r->node.gid = from_kgid_munged(&init_user_ns, attr->ia_gid);
	if (valid & ATTR_SIZE)
		r->size = attr->ia_size;
	if (valid & ATTR_ATIME)
		r->atime = attr->ia_atime.tv_sec;
	if (valid & ATTR_MTIME)
		r->mtime = attr->ia_mtime.tv_sec;
	if (valid & ATTR_CTIME)
		r->ctime = attr->ia_ctime.tv_sec;
}

static int prov_inode_setattr(PROV_SETATTR_IDMAP struct dentry *dentry,
			      struct iattr *attr)
{
	struct prov_node iattr;
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_inode_get(d_backing_inode(dentry));
	if (!n || prov_is_opaque(n))
		return 0;
	prov_name_dentry(n, dentry, false);
	prov_node_setup(&iattr, PROV_CLASS_TRANSIENT, NULL, ENT_IATTR);
	prov_iattr_fill(&iattr.rec.iattr, attr);
	prov_generates(RL_SETATTR, ctx.proc, ctx.task, &iattr, NULL);
	prov_derives(RL_SETATTR_INODE, &iattr, n, NULL);
	return 0;
}

static int prov_inode_getattr(const struct path *path)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	/* stat and fstat of the same file again (see inode_permission) */
	n = prov_inode_node(d_backing_inode(path->dentry));
	if (!n)
		return 0;
	prov_inode_update_type(d_backing_inode(path->dentry), n);
	if (prov_named_now(n) && prov_current_repeats(RL_GETATTR, n, true))
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_inode_get(d_backing_inode(path->dentry));
	if (!n)
		return 0;
	prov_name_path(n, path, false);
	prov_uses(RL_GETATTR, n, ctx.task, ctx.proc, NULL);
	return 0;
}

/* Possibly in RCU path walk: no sleeping and no naming. */
static int prov_inode_permission(struct inode *inode, int mask)
{
	struct prov_edge edge = { .flags = mask };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	/*
	 * A check for writing only moves nothing into the process (as for
	 * open_write): the write itself is recorded, process -> inode.
	 */
	if (!(mask & (MAY_READ | MAY_EXEC)) || IS_PRIVATE(inode))
		return 0;
	/* A path walk checks the same directories again and again. */
	n = prov_inode_node(inode);
	if (!n)
		return 0;
	prov_inode_update_type(inode, n);
	if (prov_current_repeats(RL_PERM, n, false))
		return 0;
	if (!prov_ctx_current(&ctx, false))
		return 0;
	n = prov_inode_get(inode);
	if (n)
		prov_uses(RL_PERM, n, ctx.task, ctx.proc, &edge);
	return 0;
}

static int prov_sb_alloc_security(struct super_block *sb)
{
	struct prov_sb_blob *b = prov_sb_blob(sb);

	if (b)
		get_random_bytes(b->uuid, sizeof(b->uuid));
	return 0;
}

/* Use the file system's own uuid when it has one. */
static int prov_sb_kern_mount(PROV_HOOK_CONST struct super_block *sb)
{
	struct prov_sb_blob *b = prov_sb_blob(sb);

	if (b && !uuid_is_null(&sb->s_uuid))
		memcpy(b->uuid, sb->s_uuid.b, sizeof(b->uuid));
	return 0;
}

static struct security_hook_list prov_inode_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(inode_alloc_security, prov_inode_alloc_security),
	LSM_HOOK_INIT(inode_free_security, prov_inode_free_security),
	LSM_HOOK_INIT(inode_create, prov_inode_create),
	LSM_HOOK_INIT(inode_mkdir, prov_inode_mkdir),
	LSM_HOOK_INIT(inode_mknod, prov_inode_mknod),
	LSM_HOOK_INIT(inode_symlink, prov_inode_symlink),
	LSM_HOOK_INIT(inode_link, prov_inode_link),
	LSM_HOOK_INIT(inode_unlink, prov_inode_unlink),
	LSM_HOOK_INIT(inode_rmdir, prov_inode_rmdir),
	LSM_HOOK_INIT(inode_rename, prov_inode_rename),
	LSM_HOOK_INIT(inode_setattr, prov_inode_setattr),
	LSM_HOOK_INIT(inode_getattr, prov_inode_getattr),
	LSM_HOOK_INIT(inode_permission, prov_inode_permission),
	LSM_HOOK_INIT(path_mknod, prov_path_mknod),
	LSM_HOOK_INIT(path_mkdir, prov_path_mkdir),
	LSM_HOOK_INIT(path_symlink, prov_path_symlink),
	LSM_HOOK_INIT(path_unlink, prov_path_unlink),
	LSM_HOOK_INIT(path_rmdir, prov_path_rmdir),
	LSM_HOOK_INIT(path_truncate, prov_path_truncate),
	LSM_HOOK_INIT(path_chmod, prov_path_chmod),
	LSM_HOOK_INIT(path_chown, prov_path_chown),
	LSM_HOOK_INIT(path_link, prov_path_link),
	LSM_HOOK_INIT(path_rename, prov_path_rename),
	LSM_HOOK_INIT(sb_alloc_security, prov_sb_alloc_security),
	LSM_HOOK_INIT(sb_kern_mount, prov_sb_kern_mount),
};

static const struct prov_class_ops prov_inode_class = {
	.refresh = prov_inode_refresh,
};

void __init prov_inode_add_hooks(void)
{
	prov_class_register(PROV_CLASS_INODE, &prov_inode_class);
	security_add_hooks(prov_inode_hooks, ARRAY_SIZE(prov_inode_hooks),
			   PROV_LSM_ID);
}
