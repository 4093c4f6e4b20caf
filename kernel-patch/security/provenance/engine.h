/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - what the recording engine's two files share
 * (record.c: nodes, versions, the sink; shape.c: capture shapes and the
 * graph economy's task state).  Not for object files.
 */
#ifndef _SECURITY_PROVENANCE_ENGINE_H
#define _SECURITY_PROVENANCE_ENGINE_H

#include "node.h"
#include "record.h"

/* The graph-economy state of the node's object, if its class has one. */
struct prov_economy *prov_economy_state(struct prov_node *n);
/* True if @n is the node of the running task or of its memory. */
bool prov_is_current(const struct prov_node *n);
/* Record an edge from @src into @to; @to's lock held. */
void prov_sink_locked(u64 type, const struct prov_src *src,
		      struct prov_node *to, const struct prov_edge *edge);

#endif /* _SECURITY_PROVENANCE_ENGINE_H */
