/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - capture policy
 */

#ifndef _SECURITY_PROVENANCE_POLICY_H
#define _SECURITY_PROVENANCE_POLICY_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <uapi/linux/provenance.h>

/*
 * Global capture policy.  Written through securityfs, read locklessly by
 * the hooks (every field is a single word read with READ_ONCE).
 */
struct prov_policy {
	bool enabled;		/* capture on */
	bool all;		/* whole-system capture */
	bool should_version;	/* keep the graph acyclic with versions */
	bool compress_node;	/* version only nodes with an outgoing edge */
	bool compress_edge;	/* drop an edge equal to the previous one */
	bool duplicate;		/* re-write nodes with every edge */
	bool economy;		/* defer and coalesce task -> memory edges */
	bool label;		/* in-band labels on recorded packets */
	u64 node_filter;	/* node subtypes never recorded */
	u64 derived_filter;	/* relation subtypes never recorded */
	u64 generated_filter;
	u64 used_filter;
	u64 informed_filter;
	u64 prop_node_filter;	/* node subtypes that stop propagation */
	u64 prop_derived_filter; /* relation subtypes that stop propagation */
	u64 prop_generated_filter;
	u64 prop_used_filter;
	u64 prop_informed_filter;
};

extern struct prov_policy prov_policy;
extern atomic_t prov_epoch;
/* Changes with every write to a policy setting or filter (securityfs). */
extern atomic_t prov_policy_generation;

/*
 * The gate (docs/design.md, "the untracked path"): one word that tells a
 * hook whether it can record anything at all.  Each bit follows its own
 * source; hooks only read the word.
 */
#define PROV_GATE_ENABLED	0	/* prov_policy.enabled */
#define PROV_GATE_ALL		1	/* prov_policy.all */
#define PROV_GATE_TARGETS	2	/* a target list has an entry */
#define PROV_GATE_TRACKED	3	/* a live node is tracked */

extern unsigned long prov_gate;

/*
 * First statement of every hook that only records: false when capture is
 * off, or when it is on but nothing can be recorded (not whole-system, no
 * target, no tracked node), so that nothing a hook could do is visible.
 */
static __always_inline bool prov_gate_open(void)
{
	unsigned long g = READ_ONCE(prov_gate);

	return (g & BIT(PROV_GATE_ENABLED)) && g != BIT(PROV_GATE_ENABLED);
}

/* Bring the ENABLED and ALL bits in line with the policy (may sleep). */
void prov_gate_sync(void);
/* Set or clear one bit of the gate (may sleep). */
void prov_gate_set(int bit, bool on);
/* Live tracked nodes (the count behind PROV_GATE_TRACKED). */
long prov_tracked_count(void);

static inline bool prov_enabled(void)
{
	return READ_ONCE(prov_policy.enabled);
}

static inline bool prov_all(void)
{
	return READ_ONCE(prov_policy.all);
}

static inline bool prov_economy(void)
{
	return READ_ONCE(prov_policy.economy);
}

static inline bool prov_label(void)
{
	return READ_ONCE(prov_policy.label);
}

static inline u32 prov_current_epoch(void)
{
	return (u32)atomic_read(&prov_epoch);
}

static inline u32 prov_policy_gen(void)
{
	return (u32)atomic_read(&prov_policy_generation);
}

static inline bool prov_is_family(u64 type, u64 family)
{
	return (type & family) == family;
}

/* The family filter of a relation type (0 for unfilterable families). */
static inline u64 prov_family_filter(u64 type, bool propagate)
{
	const struct prov_policy *p = &prov_policy;

	if (prov_is_family(type, RL_DERIVED))
		return propagate ? READ_ONCE(p->prop_derived_filter) :
				   READ_ONCE(p->derived_filter);
	if (prov_is_family(type, RL_GENERATED))
		return propagate ? READ_ONCE(p->prop_generated_filter) :
				   READ_ONCE(p->generated_filter);
	if (prov_is_family(type, RL_USED))
		return propagate ? READ_ONCE(p->prop_used_filter) :
				   READ_ONCE(p->used_filter);
	if (prov_is_family(type, RL_INFORMED))
		return propagate ? READ_ONCE(p->prop_informed_filter) :
				   READ_ONCE(p->informed_filter);
	return 0;
}

/* True if relations of this type must not be recorded. */
static inline bool prov_filter_relation(u64 type)
{
	return prov_family_filter(type, false) & type & SUBTYPE_MASK;
}

#endif /* _SECURITY_PROVENANCE_POLICY_H */
