// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - the processes that map a file
 *
 * Accesses through a mapping have no hook: a process that maps a file sees
 * what others write into it, through its own mapping or with write(2),
 * from then on.  When a process is about to write a file (write(2), or a
 * map of it shared and writable), the file's new version therefore informs
 * the memory of every other process that has it mapped at that moment
 * (sh_read), in advance of the data, as a map by a later reader is recorded
 * at its mmap.
 *
 * The walk runs in the sleepable hooks only (no lock of the engine held):
 * it takes the mapping's i_mmap lock for reading, which keeps each mapping
 * vma and so its mm alive, collects the other mms mapping the file, and
 * finds their processes under RCU.  The engine's node locks are taken
 * inside; they never wrap a sleeping lock.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>

#include "objects.h"
#include "record.h"

/* Distinct mms remembered by the walk; beyond that, the tree is searched. */
#define PROV_MAPPERS_MAX 16

struct prov_mappers {
	struct mm_struct *mm[PROV_MAPPERS_MAX];
	int count;
	bool overflow;
};

static bool prov_mm_maps(struct address_space *mapping, struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX)
		if (vma->vm_mm == mm)
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
	return m->overflow && prov_mm_maps(mapping, mm);
}

/* The mms other than @self that map @mapping; i_mmap lock held. */
static void prov_mappers_collect(struct prov_mappers *m,
				 struct address_space *mapping,
				 struct mm_struct *self)
{
	struct vm_area_struct *vma;

	vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX) {
		struct mm_struct *mm = vma->vm_mm;
		int i;

		if (mm == self)
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

void prov_inform_mappers(struct file *file, struct prov_node *n)
{
	struct address_space *mapping = file->f_mapping;
	struct mm_struct *self = current->mm;
	struct prov_mappers m = { .count = 0 };
	struct prov_edge edge = { };
	struct task_struct *p;

	if (!mapping || !mapping_mapped(mapping))
		return;
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
		if (proc && !prov_is_opaque(proc))
			prov_derives(RL_SH_READ, n, proc, &edge);
	}
	rcu_read_unlock();
out:
	i_mmap_unlock_read(mapping);
}
