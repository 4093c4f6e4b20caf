// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - names: path nodes naming inodes and processes
 *
 * A name is a path node (ENT_PATH, id = hash of the path) linked to the
 * named node by a "named" edge; the named node also carries the path
 * node's identifier in name_id.  A node is named at most once per epoch,
 * except that a name taken from a bare dentry (relative to its file
 * system) is replaced by the first name taken from a full path.
 *
 * Path names are built in per-CPU scratch space with interrupts disabled.
 */

#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/path.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "relay.h"
#include "type.h"

static DEFINE_PER_CPU(struct prov_scratch *, prov_scratch_area);

int __init prov_scratch_init(void)
{
	struct prov_scratch *s;
	int cpu;

	for_each_possible_cpu(cpu) {
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s)
			return -ENOMEM;
		per_cpu(prov_scratch_area, cpu) = s;
	}
	return 0;
}

/* NULL if the area of this CPU is unavailable (the caller drops). */
struct prov_scratch *prov_scratch_get(unsigned long *flags)
{
	struct prov_scratch *s;

	local_irq_save(*flags);
	s = this_cpu_read(prov_scratch_area);
	if (unlikely(!s || s->busy)) {
		local_irq_restore(*flags);
		return NULL;
	}
	s->busy = true;
	return s;
}

void prov_scratch_put(struct prov_scratch *s, unsigned long flags)
{
	s->busy = false;
	local_irq_restore(flags);
}

/*
 * Build a transient node carrying a payload in the scratch area.  Values
 * longer than PROV_PAYLOAD_MAX are cut; original_len keeps the length.
 */
struct prov_node *prov_payload_setup(struct prov_scratch *s, u64 type, u64 id,
				     const void *data, size_t len,
				     size_t original_len)
{
	struct prov_node *n = &s->node.n;
	struct prov_payload_record *p;
	u32 size;

	len = min_t(size_t, len, PROV_PAYLOAD_MAX);
	size = ALIGN(sizeof(*p) + len + 1, PROV_RECORD_ALIGN);
	prov_node_reset(n, PROV_CLASS_TRANSIENT, NULL);
	n->live = 1;
	p = prov_payload(n);
	prov_record_init(p, prov_type_kind(type), size);
	p->elt.identifier.node.type = type;
	p->elt.identifier.node.id = id ? id : prov_new_node_id();
	p->length = len;
	p->original_length = min_t(size_t, original_len, U32_MAX);
	memcpy(p->data, data, len);
	return n;
}

/* 64-bit djb2 hash; the id of a path node. */
u64 prov_hash(const char *s, size_t len)
{
	u64 h = 5381;

	while (len--)
		h = h * 33 + (u8)*s++;
	return h;
}

/* Names are looked up on behalf of current: not for an opaque process. */
static bool prov_current_is_opaque(void)
{
	struct prov_node *proc;

	if (!in_task())
		return false;
	proc = prov_cred_node(current_cred());
	return proc && prov_is_opaque(proc);
}

/* Should @n be named now?  @full: the name would come from a full path. */
static bool prov_want_name(struct prov_node *n, bool force, bool full)
{
	u32 epoch = prov_current_epoch();
	u32 f = prov_flags(n);

	/*
	 * Racy hints: two CPUs may both name a node; the second named
	 * edge is then a duplicate, usually removed by edge compression.
	 * First, as it is the usual answer: named already in this epoch.
	 */
	if (!force && data_race(n->named_epoch == epoch) &&
	    /* Racy hint, see above. */
	    !(full && data_race(n->state & PROV_NODE_NAME_WEAK)))
		return false;
	if (!prov_enabled() || (f & PROV_FLAG_OPAQUE))
		return false;
	if (prov_current_is_opaque())
		return false;
	if (prov_filter_relation(RL_NAMED))
		return false;
	/* Racy hint, see above. */
	return data_race(n->recorded_epoch == epoch) ||
	       (f & PROV_FLAG_TRACKED) || prov_all();
}

/*
 * @n was named by a full path in this epoch: naming it again (not forced)
 * records nothing.
 */
bool prov_named_now(const struct prov_node *n)
{
	/* Racy hint, as in prov_want_name. */
	if (!data_race(n->named_epoch == prov_current_epoch()))
		return false;
	/* Racy hint, as in prov_want_name. */
	return !data_race(n->state & PROV_NODE_NAME_WEAK);
}

/* Name @n with the string at @name (inside the scratch area). */
static void prov_name_string(struct prov_scratch *s, struct prov_node *n,
			     const char *name, bool weak)
{
	size_t len = strnlen(name, PATH_MAX);
	struct prov_node *path;
	struct prov_src src;
	unsigned long flags;

	path = prov_payload_setup(s, ENT_PATH, prov_hash(name, len), name, len,
				  len);
	if (!prov_should_record(RL_NAMED, path, n))
		return;
	prov_source(path, &src);
	prov_lock(n, &flags);
	n->rec.c.node.name_id = src.id;
	n->named_epoch = prov_current_epoch();
	if (weak)
		n->state |= PROV_NODE_NAME_WEAK;
	else
		n->state &= ~PROV_NODE_NAME_WEAK;
	prov_unlock(n, flags);
	prov_sink(RL_NAMED, &src, n, NULL);
}

/* Name from a path as the calling process sees it. */
void prov_name_path(struct prov_node *n, const struct path *path, bool force)
{
	struct prov_scratch *s;
	unsigned long flags;
	char *p;

	if (!n || !path || !path->dentry || !prov_want_name(n, force, true))
		return;
	s = prov_scratch_get(&flags);
	if (!s) {
		prov_drop();
		return;
	}
	p = d_path(path, s->path, PATH_MAX);
	if (!IS_ERR(p))
		prov_name_string(s, n, p, false);
	prov_scratch_put(s, flags);
}

/* Name from a dentry only: the path inside its file system. */
void prov_name_dentry(struct prov_node *n, struct dentry *dentry, bool force)
{
	struct prov_scratch *s;
	unsigned long flags;
	char *p;

	if (!n || !dentry || !prov_want_name(n, force, false))
		return;
	s = prov_scratch_get(&flags);
	if (!s) {
		prov_drop();
		return;
	}
	p = dentry_path_raw(dentry, s->path, PATH_MAX);
	if (!IS_ERR(p))
		prov_name_string(s, n, p, true);
	prov_scratch_put(s, flags);
}

/* Name from the path of a directory and the name of an entry in it. */
void prov_name_child(struct prov_node *n, const struct path *dir,
		     const struct qstr *name, bool force)
{
	struct prov_scratch *s;
	unsigned long flags;
	size_t dlen;
	char *p;

	if (!n || !dir || !name || name->len >= PATH_MAX - 2 ||
	    !prov_want_name(n, force, true))
		return;
	s = prov_scratch_get(&flags);
	if (!s) {
		prov_drop();
		return;
	}
	/* d_path fills the end of the buffer: keep room for "/name". */
	p = d_path(dir, s->path, PATH_MAX - name->len - 1);
	if (IS_ERR(p))
		goto out;
	dlen = strlen(p);
	if (dlen > 0 && p[dlen - 1] == '/')
		dlen--;
	p[dlen] = '/';
	memcpy(p + dlen + 1, name->name, name->len);
	p[dlen + 1 + name->len] = '\0';
	prov_name_string(s, n, p, false);
out:
	prov_scratch_put(s, flags);
}

/*
 * Name a process memory node after the executable of current.  A process
 * running an opaque executable becomes opaque instead.
 */
void prov_name_exe(struct prov_node *proc)
{
	struct prov_node *ino;
	struct file *exe;

	if (!proc || !current->mm || !prov_want_name(proc, false, true))
		return;
	exe = get_mm_exe_file(current->mm);
	if (!exe)
		return;
	ino = prov_inode_node(file_inode(exe));
	if (ino && prov_is_opaque(ino))
		prov_set_flags(proc, PROV_FLAG_OPAQUE, 0);
	else
		prov_name_path(proc, &exe->f_path, false);
	fput(exe);
}
