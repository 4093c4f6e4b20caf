// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - file descriptors: dup, close, fcntl, ioctl, locks,
 * descriptors received over UNIX sockets, and data moved between files
 * and pipes by splice, tee, sendfile and vmsplice.
 *
 * file_dup, file_close and file_splice are called from the core kernel
 * (kernel-patch/patches/VERSION/10-fs-file-hooks.patch).  A descriptor
 * operation moves no data into the process memory: dup is task -> inode
 * (the task attached the inode to another descriptor; the reads and
 * writes through it carry the data), so a shell that redirected into a
 * file, or read from a pipe, does not derive from it by the dup alone.
 * file_rcv is file -> task as in the reference.  close is task -> inode
 * (the reader of a pipe sees its end).  Spliced data does not pass through the
 * process memory either: source -> task (splice_in) -> destination
 * (splice_out).  docs/graph-model.md has the table.
 */

#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/lsm_hooks.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

/* The inode of an open file, recorded for a process hook. */
static struct prov_node *prov_fd_node(struct file *file)
{
	if (!file || IS_PRIVATE(file_inode(file)))
		return NULL;
	return prov_inode_get(file_inode(file));
}

/*
 * May be called with the file table spinlock held (dup2, dup3): no
 * sleeping and no naming here; open named the file already.
 */
static void prov_file_dup(struct file *file)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	if (!prov_ctx_current(&ctx, false))
		return;
	n = prov_fd_node(file);
	if (n)
		prov_generates(RL_DUP, ctx.proc, ctx.task, n, NULL);
}

/*
 * A close informs others when the file was open for writing (a pipe's
 * reader sees its end, written data is flushed) or is a pipe or socket (a
 * writer sees the reader go); closing a regular file opened for reading
 * only tells no one anything and is not recorded.
 */
static void prov_file_close(struct file *file)
{
	struct prov_node *n;
	struct prov_ctx ctx;
	umode_t mode;

	if (!prov_gate_open())
		return;
	mode = file_inode(file)->i_mode;
	if (!(file->f_mode & FMODE_WRITE) && !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return;
	if (!prov_ctx_current(&ctx, true))
		return;
	n = prov_fd_node(file);
	if (n)
		prov_generates(RL_CLOSE, ctx.proc, ctx.task, n, NULL);
}

/* @in or @out is NULL for the user memory of vmsplice. */
static void prov_file_splice(struct file *in, struct file *out)
{
	struct prov_node *src, *dst;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	if (!prov_ctx_current(&ctx, true))
		return;
	src = prov_fd_node(in);
	dst = prov_fd_node(out);
	if (src && out)
		prov_uses_two(RL_SPLICE_IN, src, ctx.task, NULL);
	else if (src)
		prov_uses(RL_SPLICE_IN, src, ctx.task, ctx.proc, NULL);
	if (dst)
		prov_generates(RL_SPLICE_OUT, ctx.proc, ctx.task, dst, NULL);
}

/* A descriptor received over a UNIX socket (SCM_RIGHTS). */
static int prov_file_receive(struct file *file)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_fd_node(file);
	if (n)
		prov_uses_two(RL_FILE_RCV, n, ctx.task, NULL);
	return 0;
}

/* Locks are seen by every process locking the file. */
static int prov_file_lock(struct file *file, unsigned int cmd)
{
	struct prov_edge edge = { .flags = cmd };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_fd_node(file);
	if (n)
		prov_generates(RL_FILE_LOCK, ctx.proc, ctx.task, n, &edge);
	return 0;
}

/*
 * Duplication goes through file_dup, F_SETLK* also calls file_lock and
 * F_GETFD/F_SETFD only touch the descriptor table.  Other commands read or
 * set the state of the open file: recorded, as for open, as file -> task
 * on a readable file only, so that a shell's fcntl on the file it
 * redirected into does not make it derive from the file.
 */
static int prov_file_fcntl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct prov_edge edge = { .flags = cmd };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_GETFD:
	case F_SETFD:
		return 0;
	}
	if (!(file->f_mode & FMODE_READ) || !prov_ctx_current(&ctx, true))
		return 0;
	n = prov_fd_node(file);
	if (n)
		prov_uses_two(RL_FCNTL, n, ctx.task, &edge);
	return 0;
}

/*
 * The direction bits of the command say which way the argument goes;
 * a command without them (most legacy ioctls) may go either way.
 */
static int prov_file_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct prov_edge edge = { .flags = cmd };
	unsigned int dir = _IOC_DIR(cmd);
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_fd_node(file);
	if (!n)
		return 0;
	if (dir == _IOC_NONE || (dir & _IOC_WRITE))
		prov_generates(RL_WRITE_IOCTL, ctx.proc, ctx.task, n, &edge);
	if (dir == _IOC_NONE || (dir & _IOC_READ))
		prov_uses(RL_READ_IOCTL, n, ctx.task, ctx.proc, &edge);
	return 0;
}

static struct security_hook_list prov_fd_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(file_dup, prov_file_dup),
	LSM_HOOK_INIT(file_close, prov_file_close),
	LSM_HOOK_INIT(file_splice, prov_file_splice),
	LSM_HOOK_INIT(file_receive, prov_file_receive),
	LSM_HOOK_INIT(file_lock, prov_file_lock),
	LSM_HOOK_INIT(file_fcntl, prov_file_fcntl),
	LSM_HOOK_INIT(file_ioctl, prov_file_ioctl),
};

void __init prov_fd_add_hooks(void)
{
	security_add_hooks(prov_fd_hooks, ARRAY_SIZE(prov_fd_hooks),
			   PROV_LSM_ID);
}
