/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - recording engine
 *
 * Hooks describe what happened with the capture shapes (uses, generates,
 * derives, informs); the engine applies the filters, keeps the graph
 * acyclic with versions, compresses repeated edges and writes the records.
 * Everything here may be called in atomic context.
 */

#ifndef _SECURITY_PROVENANCE_RECORD_H
#define _SECURITY_PROVENANCE_RECORD_H

#include <linux/limits.h>
#include <linux/types.h>

#include "node.h"

struct path;
struct dentry;
struct qstr;

/* Per-edge details given by the hook. */
struct prov_edge {
	u64 flags;		/* hook argument: mask, clone flags... */
	s64 offset;		/* file position */
	bool has_offset;
};

/* Records and nodes. */
void prov_record_init(void *record, u16 kind, u32 size);
u64 prov_new_node_id(void);
void prov_node_reset(struct prov_node *n, enum prov_class class, void *obj);
void prov_node_setup(struct prov_node *n, enum prov_class class, void *obj,
		     u64 type);
void prov_node_free(struct prov_node *n);
void prov_set_flags(struct prov_node *n, u32 set, u32 clear);
/* Count @n again after its flags and state were copied from another. */
void prov_node_recount(struct prov_node *n);
void prov_add_taint(struct prov_node *n, u64 taint);

/* Filters. */
bool prov_filter_node(const struct prov_node *n);
bool prov_should_record(u64 type, const struct prov_node *from,
			const struct prov_node *to);

/* Edges. */
void prov_source(struct prov_node *n, struct prov_src *src);
void prov_sink(u64 type, const struct prov_src *src, struct prov_node *to,
	       const struct prov_edge *edge);
void prov_relate(u64 type, struct prov_node *from, struct prov_node *to,
		 const struct prov_edge *edge);
void prov_kernel_link(struct prov_node *task);
void prov_terminate(u64 type, struct prov_node *n);
void prov_retype(struct prov_node *n, u64 type);
void prov_copy_name(struct prov_node *task, struct prov_node *proc);
void prov_flush_memory(struct prov_node *task, struct prov_node *proc);

/* Capture shapes. */
void prov_uses(u64 type, struct prov_node *entity, struct prov_node *task,
	       struct prov_node *proc, const struct prov_edge *edge);
void prov_uses_two(u64 type, struct prov_node *entity, struct prov_node *task,
		   const struct prov_edge *edge);
bool prov_read_repeats_current(struct prov_economy *b, u64 type,
			       const struct prov_node *entity,
			       const struct prov_node *task,
			       const struct prov_node *proc);
void prov_generates(u64 type, struct prov_node *proc, struct prov_node *task,
		    struct prov_node *entity, const struct prov_edge *edge);
void prov_derives(u64 type, struct prov_node *from, struct prov_node *to,
		  const struct prov_edge *edge);
void prov_informs(u64 type, struct prov_node *from, struct prov_node *to,
		  const struct prov_edge *edge);

/*
 * Per-CPU scratch space for long records and path names.  Interrupts are
 * disabled between get and put; nothing in between may sleep.
 */
struct prov_scratch {
	char path[PATH_MAX];
	struct prov_long_node node;
	bool busy;
};

int prov_scratch_init(void);
struct prov_scratch *prov_scratch_get(unsigned long *flags);
void prov_scratch_put(struct prov_scratch *s, unsigned long flags);
struct prov_node *prov_payload_setup(struct prov_scratch *s, u64 type, u64 id,
				     const void *data, size_t len,
				     size_t original_len);

/* Names (path nodes). */
u64 prov_hash(const char *s, size_t len);
void prov_name_path(struct prov_node *n, const struct path *path, bool force);
bool prov_named_now(const struct prov_node *n);
void prov_name_dentry(struct prov_node *n, struct dentry *dentry, bool force);
void prov_name_child(struct prov_node *n, const struct path *dir,
		     const struct qstr *name, bool force);
void prov_name_exe(struct prov_node *proc);

/* The machine node. */
void prov_machine_init(void);
struct prov_node *prov_machine(void);
u32 prov_machine_snapshot(void *buf, size_t size);

#endif /* _SECURITY_PROVENANCE_RECORD_H */
