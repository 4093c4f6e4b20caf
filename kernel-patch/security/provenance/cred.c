// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - credentials: the process memory node (ENT_PROC)
 *
 * Every struct cred carries a process memory node: the state shared by
 * the threads of a process.  prepare_creds() makes a new node linked to
 * the old one by clone_mem; the node ends with terminate_proc when the
 * cred is freed (from an RCU callback).
 */

#include <linux/cred.h>
#include <linux/lsm_hooks.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/uidgid.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"
#include "target.h"

/* Flags a new cred inherits from the cred it is prepared from. */
#define PROV_CRED_INHERIT	(PROV_FLAG_TRACKED | PROV_FLAG_OPAQUE)

/* Called with the node lock held: copy the ids of the cred. */
void prov_proc_refresh(struct prov_node *n)
{
	const struct cred *cred = n->obj;
	struct prov_proc_record *r = &n->rec.proc;

	if (!cred)
		return;
	r->node.uid = from_kuid_munged(&init_user_ns, cred->euid);
	r->node.gid = from_kgid_munged(&init_user_ns, cred->egid);
	if (in_task() && (current->real_cred == cred || current->cred == cred))
		r->tgid = task_tgid_nr(current);
}

void prov_proc_update_secid(struct prov_node *proc)
{
	unsigned long flags;
	u32 secid;

	/*
	 * A committed cred never changes: its secid is read once.  Racy
	 * hint: two CPUs may both read it.
	 */
	if (data_race(proc->state & PROV_NODE_SECID))
		return;
	security_cred_getsecid(proc->obj, &secid);
	prov_lock(proc, &flags);
	proc->rec.proc.node.secid = secid;
	proc->state |= PROV_NODE_SECID;
	prov_unlock(proc, flags);
}

static struct prov_node *prov_proc_setup(struct cred *cred)
{
	struct prov_node *n = prov_cred_blob(cred);

	if (!n)
		return NULL;
	prov_node_setup(n, PROV_CLASS_PROC, cred, ENT_PROC);
	return n;
}

static int prov_cred_alloc_blank(struct cred *cred, gfp_t gfp)
{
	prov_proc_setup(cred);
	return 0;
}

static int prov_cred_prepare(struct cred *new, const struct cred *old,
			     gfp_t gfp)
{
	struct prov_node *n = prov_proc_setup(new);
	struct prov_node *o = prov_cred_node(old);
	struct prov_node *task;

	if (!n || !o)
		return 0;
	/* Not yet visible to anyone: no lock. */
	if (data_race(o->state & PROV_NODE_SHARED_MAP))
		n->state |= PROV_NODE_SHARED_MAP;
	/* A new node has no flags: the lock only when there is one to copy. */
	if (prov_flags(o) & PROV_CRED_INHERIT)
		prov_set_flags(n, prov_flags(o) & PROV_CRED_INHERIT, 0);
	if (!prov_gate_open())
		return 0;
	prov_targets_apply_cred(n, new);
	task = prov_current_task();
	if (task)
		prov_generates(RL_CLONE_MEM, o, task, n, NULL);
	return 0;
}

/* Same node identity in both creds; the lock stays the new cred's own. */
static void prov_cred_transfer(struct cred *new, const struct cred *old)
{
	struct prov_node *n = prov_cred_node(new);
	struct prov_node *o = prov_cred_node(old);
	unsigned long flags;

	if (!n || !o)
		return;
	prov_lock(o, &flags);
	n->state = o->state;
	n->recorded_epoch = o->recorded_epoch;
	n->named_epoch = o->named_epoch;
	n->linked_epoch = o->linked_epoch;
	n->k_version = o->k_version;
	n->prev_version = o->prev_version;
	n->prev_epoch = o->prev_epoch;
	n->prev_id = o->prev_id;
	n->prev_type = o->prev_type;
	memcpy(&n->rec.proc, &o->rec.proc, sizeof(n->rec.proc));
	prov_unlock(o, flags);
	/* The copied state says whether o was counted, not n. */
	prov_node_recount(n);
}

static void prov_cred_free(struct cred *cred)
{
	struct prov_node *n = prov_cred_node(cred);

	if (!n)
		return;
	prov_terminate(RL_TERMINATE_PROC, n);
	prov_node_free(n);
}

static void prov_cred_change(u64 type, struct cred *new,
			     const struct cred *old, int flags)
{
	struct prov_edge edge = { .flags = flags };
	struct prov_node *n = prov_cred_node(new);
	struct prov_node *o = prov_cred_node(old);
	struct prov_ctx ctx;

	if (!n || !o || !prov_ctx_current(&ctx, true))
		return;
	prov_generates(type, o, ctx.task, n, &edge);
}

static int prov_task_fix_setuid(struct cred *new, const struct cred *old,
				int flags)
{
	if (!prov_gate_open())
		return 0;
	prov_targets_apply_cred(prov_cred_node(new), new);
	prov_cred_change(RL_SETUID, new, old, flags);
	return 0;
}

static int prov_task_fix_setgid(struct cred *new, const struct cred *old,
				int flags)
{
	if (!prov_gate_open())
		return 0;
	prov_targets_apply_cred(prov_cred_node(new), new);
	prov_cred_change(RL_SETGID, new, old, flags);
	return 0;
}

static struct security_hook_list prov_cred_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(cred_alloc_blank, prov_cred_alloc_blank),
	LSM_HOOK_INIT(cred_prepare, prov_cred_prepare),
	LSM_HOOK_INIT(cred_transfer, prov_cred_transfer),
	LSM_HOOK_INIT(cred_free, prov_cred_free),
	LSM_HOOK_INIT(task_fix_setuid, prov_task_fix_setuid),
	LSM_HOOK_INIT(task_fix_setgid, prov_task_fix_setgid),
};

static struct prov_node *prov_proc_current(void)
{
	return prov_cred_node(current_cred());
}

static const struct prov_class_ops prov_proc_class = {
	.refresh = prov_proc_refresh,
	.running = prov_proc_current,
};

/* The cred of the boot task exists before the LSM is initialised. */
void __init prov_cred_init_boot(void)
{
	prov_class_register(PROV_CLASS_PROC, &prov_proc_class);
	prov_proc_setup((struct cred *)current->cred);
}

void __init prov_cred_add_hooks(void)
{
	security_add_hooks(prov_cred_hooks, ARRAY_SIZE(prov_cred_hooks),
			   PROV_LSM_ID);
}
