// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - open files: open, read, write, mmap
 *
 * file_permission is called for read, write, readdir, splice and friends
 * (including on pipes and sockets), so it records the data flows through
 * file descriptors.  It runs before the call, and a read of a pipe, FIFO,
 * socket or character device may wait for its data: the writer's data then
 * makes a new version of the channel after the reader was recorded.  Those
 * reads are recorded by file_post_read instead, once the read returned
 * data or end of file (a core hook, kernel-patch/README.md), so the
 * reader uses the version that holds what it got.
 *
 * An open for writing only moves no data into the process: it is recorded
 * as open_write, process -> file (the open may truncate the file), so that
 * `echo x > f` does not make the shell and all it forks derive from f.
 *
 * Shared mappings: the pages a process writes through a shared writable
 * mapping reach every process mapping the file, without a hook on the
 * accesses.  At mmap time a shared writable mapping records the process
 * memory -> inode (sh_write) and every shared mapping inode -> process
 * (mmap), so the flow passes through the file inode (docs/graph-model.md).
 */

#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/mman.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static struct prov_node *prov_file_node(struct file *file)
{
	struct prov_node *n = prov_inode_get(file_inode(file));

	if (n)
		prov_name_path(n, &file->f_path, false);
	return n;
}

/* A read of @mode may wait for its data: file_post_read records it. */
static bool prov_read_waits(umode_t mode)
{
	return S_ISFIFO(mode) || S_ISSOCK(mode) || S_ISCHR(mode);
}

/* A read of @n: socket -> receive, anything else -> read. */
static void prov_file_read(struct prov_node *n, struct prov_ctx *ctx,
			   umode_t mode, struct prov_edge *edge)
{
	if (S_ISSOCK(mode))
		prov_uses(RL_RCV, n, ctx->task, ctx->proc, edge);
	else
		prov_uses(RL_READ, n, ctx->task, ctx->proc, edge);
}

/*
 * The same read of a regular file again (graph economy rule 3, at the
 * hook's entry): nothing to record when the file and the process were
 * named in this epoch and no process maps the file shared and writable
 * (those writes are gathered at each read, prov_gather_writers).
 */
static bool prov_file_read_repeats(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct prov_node *n = prov_inode_node(inode);

	if (!n || !S_ISREG(inode->i_mode) || !prov_named_now(n))
		return false;
	if (file->f_mapping && mapping_writably_mapped(file->f_mapping))
		return false;
	return prov_current_repeats(RL_READ, n, true);
}

static int prov_file_permission(struct file *file, int mask)
{
	struct prov_edge edge = { .flags = mask, .has_offset = true };
	bool read = mask & MAY_READ;
	bool write = mask & (MAY_WRITE | MAY_APPEND);
	bool exec = mask & MAY_EXEC;
	struct prov_node *n;
	struct prov_ctx ctx;
	umode_t mode;

	if (!prov_gate_open())
		return 0;
	if (!(read || write || exec))
		return 0;
	edge.offset = READ_ONCE(file->f_pos);
	mode = file_inode(file)->i_mode;
	if (read && prov_read_waits(mode)) {
		read = false;
		if (!(write || exec))
			return 0;
	}
	if (IS_PRIVATE(file_inode(file)))
		return 0;
	if (read && !write && !exec && prov_file_read_repeats(file))
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	n = prov_file_node(file);
	if (!n)
		return 0;
	if (S_ISSOCK(mode)) {
		if (write)
			prov_generates(RL_SND, ctx.proc, ctx.task, n, &edge);
		return 0;
	}
	if (write)
		prov_generates(RL_WRITE, ctx.proc, ctx.task, n, &edge);
	if (write && S_ISREG(mode))
		prov_inform_mappers(file, n);
	if (read && S_ISREG(mode))
		prov_gather_writers(file, n);
	if (read)
		prov_file_read(n, &ctx, mode, &edge);
	if (exec && S_ISDIR(mode))
		prov_uses(RL_SEARCH, n, ctx.task, ctx.proc, &edge);
	else if (exec && prov_is_opaque(n))
		prov_set_flags(ctx.proc, PROV_FLAG_OPAQUE, 0);
	else if (exec)
		prov_derives(RL_EXEC, n, ctx.proc, &edge);
	/* Recorded only now (a tracked process, propagation): name it. */
	prov_name_path(n, &file->f_path, false);
	return 0;
}

/*
 * A read, readv or splice read returned @ret >= 0 bytes (core hook, after
 * the data arrived; 0 is the end of file, which the writer's close made).
 * Pipes, FIFOs, sockets and character devices only: regular files are
 * read in file_permission.  Called with no lock held
 * (read, readv) or with the destination pipe's mutex held (splice): no
 * sleeping (the context does not name the executable), no naming here
 * (open named the file).
 */
static void prov_file_post_read(struct file *file, ssize_t ret)
{
	struct prov_edge edge = { .flags = MAY_READ, .has_offset = true };
	struct prov_node *n;
	struct prov_ctx ctx;
	umode_t mode;

	if (!prov_gate_open())
		return;
	mode = file_inode(file)->i_mode;
	if (!prov_read_waits(mode) || IS_PRIVATE(file_inode(file)))
		return;
	if (!prov_ctx_current(&ctx, false))
		return;
	n = prov_inode_get(file_inode(file));
	if (!n)
		return;
	edge.offset = READ_ONCE(file->f_pos);
	prov_file_read(n, &ctx, mode, &edge);
}

static bool prov_current_tracked(void)
{
	struct prov_node *task = prov_task_node(current);
	struct prov_node *proc = prov_cred_node(current_cred());

	return (task && prov_is_tracked(task)) ||
	       (proc && prov_is_tracked(proc));
}

/*
 * The same open for reading again (graph economy rule 3, at the hook's
 * entry): nothing to record when the file and the process were named in
 * this epoch and the open would not track the file (it is tracked, or
 * current is not, see prov_file_open).
 */
static bool prov_file_open_repeats(struct file *file)
{
	struct prov_node *n = prov_inode_node(file_inode(file));

	if (!n || !prov_named_now(n) ||
	    (file->f_mode & (FMODE_READ | FMODE_WRITE)) == FMODE_WRITE)
		return false;
	if (!prov_is_tracked(n) && !prov_is_opaque(n) &&
	    !(file->f_flags & __FMODE_EXEC) && prov_current_tracked())
		return false;
	return prov_current_repeats(RL_OPEN, n, true);
}

static int prov_file_open(struct file *file)
{
	struct prov_edge edge = { .has_offset = true };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (prov_file_open_repeats(file))
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	edge.offset = READ_ONCE(file->f_pos);
	n = prov_inode_get(file_inode(file));
	if (!n)
		return 0;
	/*
	 * A tracked process tracks what it opens, except the programs it
	 * runs: a tracked program makes every process running it tracked.
	 */
	if ((prov_is_tracked(ctx.proc) || prov_is_tracked(ctx.task)) &&
	    !prov_is_opaque(n) && !(file->f_flags & __FMODE_EXEC))
		prov_set_flags(n, PROV_FLAG_TRACKED, 0);
	prov_name_path(n, &file->f_path, false);
	if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) == FMODE_WRITE) {
		edge.flags = file->f_flags;
		prov_generates(RL_OPEN_WRITE, ctx.proc, ctx.task, n, &edge);
	} else {
		prov_uses(RL_OPEN, n, ctx.task, ctx.proc, &edge);
	}
	prov_name_path(n, &file->f_path, false);
	return 0;
}

static int prov_mmap_file(struct file *file, unsigned long reqprot,
			  unsigned long prot, unsigned long flags)
{
	struct prov_edge edge = { .flags = prot };
	unsigned long type = flags & MAP_TYPE;
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!file || !prov_ctx_current(&ctx, true))
		return 0;
	if (prov_is_opaque(ctx.proc))
		return 0;
	n = prov_file_node(file);
	if (!n)
		return 0;
	prov_gather_writers(file, n);
	if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE) {
		prov_uses(RL_MMAP_PRIVATE, n, ctx.task, ctx.proc, &edge);
		return 0;
	}
	prov_uses(RL_MMAP, n, ctx.task, ctx.proc, &edge);
	if (!(prot & PROT_WRITE))
		return 0;
	/*
	 * The memory may be read now: reads waiting for it go in first, and
	 * from now on each goes in at once (other processes read it through
	 * the file: mapping.c).
	 */
	prov_mark_shared_map(ctx.proc);
	prov_flush_memory(ctx.task, ctx.proc);
	prov_derives(RL_SH_WRITE, ctx.proc, n, &edge);
	prov_inform_mappers(file, n);
	return 0;
}

static struct security_hook_list prov_file_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(file_permission, prov_file_permission),
	LSM_HOOK_INIT(file_post_read, prov_file_post_read),
	LSM_HOOK_INIT(file_open, prov_file_open),
	LSM_HOOK_INIT(mmap_file, prov_mmap_file),
};

void __init prov_file_add_hooks(void)
{
	security_add_hooks(prov_file_hooks, ARRAY_SIZE(prov_file_hooks),
			   PROV_LSM_ID);
}
