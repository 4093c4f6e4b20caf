// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - file system administration and what the kernel loads
 *
 * mount and umount change what a directory shows: task -> the mount point
 * (mount, flags = mount flags) or the root of the detached file system
 * (umount, flags = umount flags).  pivot_root
 * makes the task take its root from the new root: new root -> task.
 * Module, firmware, kexec and policy loads read a file into the kernel:
 * file -> task (load_file), then task -> machine (load_<kind>), as the
 * reference does; loads from the caller's memory (init_module, kexec_load)
 * are proc -> task -> machine.
 */

#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/lsm_hooks.h>
#include <linux/mount.h>
#include <linux/path.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static struct prov_node *prov_admin_path(const struct path *path)
{
	struct prov_node *n;

	if (!path || !path->dentry || d_is_negative(path->dentry))
		return NULL;
	n = prov_inode_get(d_backing_inode(path->dentry));
	if (n)
		prov_name_path(n, path, false);
	return n;
}

static int prov_sb_mount(const char *dev_name, const struct path *path,
			 const char *type, unsigned long flags, void *data)
{
	struct prov_edge edge = { .flags = flags };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_admin_path(path);
	if (n)
		prov_generates(RL_MOUNT, ctx.proc, ctx.task, n, &edge);
	return 0;
}

static int prov_sb_umount(struct vfsmount *mnt, int flags)
{
	struct prov_edge edge = { .flags = (u32)flags };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_inode_get(d_backing_inode(mnt->mnt_root));
	if (n)
		prov_generates(RL_UMOUNT, ctx.proc, ctx.task, n, &edge);
	return 0;
}

static int prov_sb_pivotroot(const struct path *old_path,
			     const struct path *new_path)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_admin_path(new_path);
	if (n)
		prov_uses_two(RL_PIVOT_ROOT, n, ctx.task, NULL);
	return 0;
}

static u64 prov_read_file_relation(enum kernel_read_file_id id)
{
	switch (id) {
	case READING_FIRMWARE:
		return RL_LOAD_FIRMWARE;
	case READING_MODULE:
		return RL_LOAD_MODULE;
	case READING_KEXEC_IMAGE:
		return RL_LOAD_KEXEC_IMAGE;
	case READING_KEXEC_INITRAMFS:
		return RL_LOAD_KEXEC_INITRAMFS;
	case READING_POLICY:
		return RL_LOAD_POLICY;
	case READING_X509_CERTIFICATE:
		return RL_LOAD_CERTIFICATE;
	case READING_UNKNOWN:
		return RL_LOAD_UNKNOWN;
	default:
		return RL_LOAD_UNDEFINED;
	}
}

static u64 prov_load_data_relation(enum kernel_load_data_id id)
{
	switch (id) {
	case LOADING_FIRMWARE:
		return RL_LOAD_FIRMWARE;
	case LOADING_MODULE:
		return RL_LOAD_MODULE;
	case LOADING_KEXEC_IMAGE:
		return RL_LOAD_KEXEC_IMAGE;
	case LOADING_KEXEC_INITRAMFS:
		return RL_LOAD_KEXEC_INITRAMFS;
	case LOADING_POLICY:
		return RL_LOAD_POLICY;
	case LOADING_X509_CERTIFICATE:
		return RL_LOAD_CERTIFICATE;
	case LOADING_UNKNOWN:
		return RL_LOAD_UNKNOWN;
	default:
		return RL_LOAD_UNDEFINED;
	}
}

/* The task changed the kernel: task -> machine. */
static void prov_load_into_kernel(struct prov_ctx *ctx, u64 type)
{
	u32 f = prov_flags(ctx->task);

	if ((f & PROV_FLAG_OPAQUE) || !((f & PROV_FLAG_TRACKED) || prov_all()))
		return;
	prov_kernel_link(ctx->task);
	prov_relate(type, ctx->task, prov_machine(), NULL);
}

static int prov_kernel_read_file(struct file *file,
				 enum kernel_read_file_id id, bool contents)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = file ? prov_inode_get(file_inode(file)) : NULL;
	if (n) {
		prov_name_path(n, &file->f_path, false);
		prov_uses_two(RL_LOAD_FILE, n, ctx.task, NULL);
	}
	prov_load_into_kernel(&ctx, prov_read_file_relation(id));
	return 0;
}

/*
 * A load from memory: the data comes from the caller's memory (init_module,
 * kexec_load, a policy written to securityfs): proc -> task -> machine.  A
 * firmware load from memory is the sysfs fallback, fed by another process:
 * only task -> machine.
 */
static int prov_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	if (id == LOADING_FIRMWARE)
		prov_load_into_kernel(&ctx, prov_load_data_relation(id));
	else
		prov_generates(prov_load_data_relation(id), ctx.proc, ctx.task,
			       prov_machine(), NULL);
	return 0;
}

static struct security_hook_list prov_admin_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(sb_mount, prov_sb_mount),
	LSM_HOOK_INIT(sb_umount, prov_sb_umount),
	LSM_HOOK_INIT(sb_pivotroot, prov_sb_pivotroot),
	LSM_HOOK_INIT(kernel_read_file, prov_kernel_read_file),
	LSM_HOOK_INIT(kernel_load_data, prov_kernel_load_data),
};

void __init prov_admin_add_hooks(void)
{
	security_add_hooks(prov_admin_hooks, ARRAY_SIZE(prov_admin_hooks),
			   PROV_LSM_ID);
}
