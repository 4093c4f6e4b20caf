// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - the security.provenance extended attribute
 *
 * getxattr returns the live struct prov_object_state of the inode.
 * setxattr with a struct prov_object_state (CAP_AUDIT_CONTROL) sets
 * TRACKED, OPAQUE and PROPAGATE exactly as given and ORs taint in; the
 * identifier is ignored.  File systems with extended attributes also keep
 * the value written, which a later getxattr does not read back: the live
 * state always answers.
 *
 * In 6.1 an LSM implementing inode_setxattr replaces the capability
 * module's check of security.* names, so other names get that check here.
 * The name is not added to listxattr: in 6.1 the first module answering
 * inode_listsecurity ends the list, which would hide a major LSM's name.
 *
 * The other attributes are recorded as flows: getxattr and listxattr read
 * the inode (inode -> task -> process memory), setxattr (once stored) and
 * removexattr change it (process memory -> task -> inode).
 */

#include <linux/capability.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xattr.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "securityfs.h"
#include "setup.h"

#define PROV_XATTR_SUFFIX	(PROV_XATTR_NAME + XATTR_SECURITY_PREFIX_LEN)
#define PROV_XATTR_FLAGS	(PROV_FLAG_TRACKED | PROV_FLAG_OPAQUE | \
				 PROV_FLAG_PROPAGATE)

/* A value of exactly one struct prov_object_state, reserved bits zero. */
static int prov_xattr_value(const void *value, size_t size,
			    struct prov_object_state *st)
{
	if (!value || size != sizeof(*st))
		return -EINVAL;
	memcpy(st, value, sizeof(*st));
	if (st->reserved || (st->flags & ~PROV_FLAGS_PUBLIC))
		return -EINVAL;
	return 0;
}

static int prov_xattr_apply(struct inode *inode,
			    const struct prov_object_state *st)
{
	struct prov_node *n = prov_inode_get(inode);

	if (!n)
		return -EOPNOTSUPP;
	prov_set_flags(n, st->flags & PROV_XATTR_FLAGS,
		       ~st->flags & PROV_XATTR_FLAGS);
	if (st->taint)
		prov_add_taint(n, st->taint);
	return 0;
}

static int prov_inode_setxattr(struct prov_idmap *idmap,
			       struct dentry *dentry, const char *name,
			       const void *value, size_t size, int flags)
{
	struct prov_object_state st;

	if (strcmp(name, PROV_XATTR_NAME))
		return cap_inode_setxattr(dentry, name, value, size, flags);
	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	return prov_xattr_value(value, size, &st);
}

/* An attribute other than ours was read or changed by current. */
static void prov_xattr_flow(u64 type, struct dentry *dentry, u64 flags)
{
	struct prov_edge edge = { .flags = flags };
	struct inode *inode = d_backing_inode(dentry);
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!inode || IS_PRIVATE(inode) || !prov_ctx_current(&ctx, true))
		return;
	n = prov_inode_get(inode);
	if (!n)
		return;
	prov_name_dentry(n, dentry, false);
	if (type == RL_GETXATTR || type == RL_LSTXATTR)
		prov_uses(type, n, ctx.task, ctx.proc, &edge);
	else
		prov_generates(type, ctx.proc, ctx.task, n, &edge);
}

/* The file system stored the value: apply it, or record another name. */
static void prov_inode_post_setxattr(struct dentry *dentry, const char *name,
				     const void *value, size_t size, int flags)
{
	struct prov_object_state st;

	if (strcmp(name, PROV_XATTR_NAME)) {
		prov_xattr_flow(RL_SETXATTR, dentry, flags);
		return;
	}
	if (prov_xattr_value(value, size, &st))
		return;
	prov_xattr_apply(d_backing_inode(dentry), &st);
}

static int prov_inode_getxattr(struct dentry *dentry, const char *name)
{
	if (!prov_gate_open())
		return 0;
	if (strcmp(name, PROV_XATTR_NAME))
		prov_xattr_flow(RL_GETXATTR, dentry, 0);
	return 0;
}

static int prov_inode_listxattr(struct dentry *dentry)
{
	if (!prov_gate_open())
		return 0;
	prov_xattr_flow(RL_LSTXATTR, dentry, 0);
	return 0;
}

/* As for setxattr, 6.1 leaves the capability check to this module. */
static int prov_inode_removexattr(struct prov_idmap *idmap,
				  struct dentry *dentry, const char *name)
{
	int rc = cap_inode_removexattr(idmap, dentry, name);

	if (!rc && strcmp(name, PROV_XATTR_NAME))
		prov_xattr_flow(RL_RMVXATTR, dentry, 0);
	return rc;
}

/* File systems without extended attributes: apply the value. */
static int prov_inode_setsecurity(struct inode *inode, const char *name,
				  const void *value, size_t size, int flags)
{
	struct prov_object_state st;
	int rc;

	if (strcmp(name, PROV_XATTR_SUFFIX))
		return -EOPNOTSUPP;
	rc = prov_xattr_value(value, size, &st);
	return rc ? rc : prov_xattr_apply(inode, &st);
}

static int prov_inode_getsecurity(struct prov_idmap *idmap,
				  struct inode *inode, const char *name,
				  void **buffer, bool alloc)
{
	struct prov_object_state *st;
	struct prov_node *n;

	if (strcmp(name, PROV_XATTR_SUFFIX))
		return -EOPNOTSUPP;
	n = prov_inode_get(inode);
	if (!n)
		return -EOPNOTSUPP;
	if (alloc) {
		st = kmalloc(sizeof(*st), GFP_KERNEL);
		if (!st)
			return -ENOMEM;
		prov_object_state_fill(n, st);
		*buffer = st;
	}
	return sizeof(*st);
}

static struct security_hook_list prov_xattr_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(inode_setxattr, prov_inode_setxattr),
	LSM_HOOK_INIT(inode_post_setxattr, prov_inode_post_setxattr),
	LSM_HOOK_INIT(inode_getxattr, prov_inode_getxattr),
	LSM_HOOK_INIT(inode_listxattr, prov_inode_listxattr),
	LSM_HOOK_INIT(inode_removexattr, prov_inode_removexattr),
	LSM_HOOK_INIT(inode_setsecurity, prov_inode_setsecurity),
	LSM_HOOK_INIT(inode_getsecurity, prov_inode_getsecurity),
};

void __init prov_xattr_add_hooks(void)
{
	security_add_hooks(prov_xattr_hooks, ARRAY_SIZE(prov_xattr_hooks),
			   PROV_LSM_ID);
}
