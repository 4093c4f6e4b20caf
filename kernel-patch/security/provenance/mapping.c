// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - the processes that map a file
 *
 * Accesses through a mapping have no hook.  A process that maps a file sees
 * what others write into it, through their maps or with write(2), and a
 * process that maps it shared and writable changes it at any time.  So:
 *
 * - push: when a process is about to write a file (write(2), or a map of it
 *   shared and writable), the file's new version informs the memory of
 *   every other process that has it mapped at that moment (sh_read);
 * - pull: when a process is about to read a file (read(2), mmap), the
 *   current memory of every other process that maps it shared and writable
 *   goes into the file first (sh_write), so the reader gets what they put
 *   into their maps since they mapped it.
 *
 * Both are recorded in advance of the data, as the map itself is.  When a
 * shared writable map goes away (munmap, exec, exit: core hook file_munmap)
 * the process's memory goes into the file once more (sh_write, then the
 * push), so what it put into the map after it mapped the file reaches
 * later readers.
 *
 * The walks run in the sleepable hooks only (no lock of the engine held):
 * they take the mapping's i_mmap lock for reading, which keeps each mapping
 * vma and so its mm alive, collect the other mms mapping the file, and find
 * their processes under RCU.  The engine's node locks are taken inside;
 * they never wrap a sleeping lock.
 */

#include <linux/fs.h>
#include <linux/lsm_hooks.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

/* Distinct mms remembered by the walk; beyond that, the tree is searched. */
#define PROV_MAPPERS_MAX 16

struct prov_mappers {
	struct mm_struct *mm[PROV_MAPPERS_MAX];
	unsigned long vm_flags;
	int count;
	bool overflow;
};

static bool prov_mm_maps(struct address_space *mapping, struct mm_struct *mm,
			 unsigned long vm_flags)
{
	struct vm_area_struct *vma;

	vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX)
		if (vma->vm_mm == mm && (vma->vm_flags & vm_flags) == vm_flags)
			return true;
	return false;
}

static bool prov_mappers_have(struct prov_mappers *m,
			      struct address_space *mapping,
			      struct mm_struct *mm)
{
	int i;

	for (i = 0; i < m->count; i++)
		if (m->mm[i] == mm)
			return true;
	return m->overflow && prov_mm_maps(mapping, mm, m->vm_flags);
}

/*
 * The mms other than @self that map @mapping with all of @m->vm_flags;
 * i_mmap lock held.
 */
static void prov_mappers_collect(struct prov_mappers *m,
				 struct address_space *mapping,
				 struct mm_struct *self)
{
	struct vm_area_struct *vma;

	vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX) {
		struct mm_struct *mm = vma->vm_mm;
		int i;

		if (mm == self || (vma->vm_flags & m->vm_flags) != m->vm_flags)
			continue;
		for (i = 0; i < m->count && m->mm[i] != mm; i++)
			;
		if (i < m->count)
			continue;
		if (m->count == PROV_MAPPERS_MAX) {
			m->overflow = true;
			return;
		}
		m->mm[m->count++] = mm;
	}
}

/*
 * The file's node @n and the memory of every other process mapping @file
 * (with @vm_flags): @n -> memory (sh_read) if @push, memory -> @n
 * (sh_write) otherwise.
 */
static void prov_mappers_walk(struct file *file, struct prov_node *n,
			      unsigned long vm_flags, bool push)
{
	struct address_space *mapping = file->f_mapping;
	struct mm_struct *self = current->mm;
	struct prov_mappers m = { .vm_flags = vm_flags };
	struct prov_edge edge = { };
	struct task_struct *p;

	i_mmap_lock_read(mapping);
	prov_mappers_collect(&m, mapping, self);
	if (!m.count)
		goto out;
	rcu_read_lock();
	for_each_process(p) {
		struct mm_struct *mm = READ_ONCE(p->mm);
		struct prov_node *proc;

		if (!mm || mm == self || !prov_mappers_have(&m, mapping, mm))
			continue;
		proc = prov_cred_node(__task_cred(p));
		if (!proc || prov_is_opaque(proc))
			continue;
		if (push)
			prov_derives(RL_SH_READ, n, proc, &edge);
		else
			prov_derives(RL_SH_WRITE, proc, n, &edge);
	}
	rcu_read_unlock();
out:
	i_mmap_unlock_read(mapping);
}

void prov_inform_mappers(struct file *file, struct prov_node *n)
{
	if (file->f_mapping && mapping_mapped(file->f_mapping))
		prov_mappers_walk(file, n, 0, true);
}

void prov_gather_writers(struct file *file, struct prov_node *n)
{
	if (file->f_mapping && mapping_writably_mapped(file->f_mapping))
		prov_mappers_walk(file, n, VM_SHARED | VM_MAYWRITE, false);
}

void prov_mark_shared_map(struct prov_node *proc)
{
	unsigned long flags;

	/* Racy hint: the bit is only ever set, under the lock. */
	if (data_race(proc->state & PROV_NODE_SHARED_MAP))
		return;
	prov_lock(proc, &flags);
	proc->state |= PROV_NODE_SHARED_MAP;
	prov_unlock(proc, flags);
}

/*
 * The map's owner: current, or current exiting (exit_mm() clears
 * current->mm before the last mmput()) or replacing its mm in exec; not a
 * process that dropped the last reference to someone else's mm.
 */
static bool prov_unmapped_by_current(struct vm_area_struct *vma)
{
	return vma->vm_mm == current->mm ||
	       (current->flags & PF_EXITING) || current->in_execve;
}

/* May hold mmap_lock: no naming, nothing that takes it. */
static void prov_file_munmap(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;
	struct prov_edge edge = { };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	if (!file || (vma->vm_flags & (VM_SHARED | VM_WRITE)) !=
		     (VM_SHARED | VM_WRITE))
		return;
	if (!prov_unmapped_by_current(vma) || !prov_ctx_current(&ctx, false))
		return;
	if (prov_is_opaque(ctx.proc))
		return;
	n = prov_inode_get(file_inode(file));
	if (!n)
		return;
	/* Reads still pending go into the memory first. */
	prov_flush_memory(ctx.task, ctx.proc);
	prov_derives(RL_SH_WRITE, ctx.proc, n, &edge);
	prov_inform_mappers(file, n);
}

static struct security_hook_list prov_mapping_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(file_munmap, prov_file_munmap),
};

void __init prov_mapping_add_hooks(void)
{
	security_add_hooks(prov_mapping_hooks, ARRAY_SIZE(prov_mapping_hooks),
			   PROV_LSM_ID);
}
