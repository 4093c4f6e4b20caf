// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - tasks: the thread node (ACT_TASK)
 *
 * Every thread is an activity node.  The clone edge from the parent is
 * recorded when the child first runs a hook (or ends), so that the first
 * version of the child already carries its pid.  The task ends with a
 * terminate_task version when it is freed (possibly from RCU).
 */

#include <linux/cgroup.h>
#include <linux/ipc_namespace.h>
#include <linux/lsm_hooks.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/security.h>
#include <linux/uidgid.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

/* struct mnt_namespace is private to fs/. */
#include "../../fs/mount.h"

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"
#include "target.h"

static u64 prov_kib(unsigned long pages)
{
	return (u64)pages << (PAGE_SHIFT - 10);
}

static void prov_task_refresh_ns(struct prov_task_record *r,
				 struct task_struct *t)
{
	struct nsproxy *ns = t->nsproxy;
	struct pid_namespace *pidns = task_active_pid_ns(t);

	if (pidns)
		r->pidns = pidns->ns.inum;
	if (!ns)
		return;
	r->utsns = ns->uts_ns->ns.inum;
	r->ipcns = ns->ipc_ns->ns.inum;
	r->mntns = ns->mnt_ns->ns.inum;
	r->netns = ns->net_ns->ns.inum;
	r->cgroupns = ns->cgroup_ns->ns.inum;
}

/*
 * Called with the node lock held.  Only current's own fields are read
 * (its mm, namespaces and counters cannot go away under it).
 */
static void prov_task_refresh(struct prov_node *n)
{
	struct task_struct *t = n->obj;
	struct prov_task_record *r = &n->rec.task;
	struct mm_struct *mm;

	if (!t)
		return;
	r->pid = t->pid;
	if (t != current || !in_task())
		return;
	r->vpid = task_pid_vnr(t);
	r->node.uid = from_kuid_munged(&init_user_ns, current_euid());
	r->node.gid = from_kgid_munged(&init_user_ns, current_egid());
	r->utime = div_u64(t->utime, NSEC_PER_USEC);
	r->stime = div_u64(t->stime, NSEC_PER_USEC);
	mm = t->mm;
	if (mm) {
		r->vm = prov_kib(mm->total_vm);
		r->rss = prov_kib(get_mm_rss(mm));
		r->hw_vm = prov_kib(max(mm->hiwater_vm, mm->total_vm));
		r->hw_rss = prov_kib(get_mm_hiwater_rss(mm));
	}
#ifdef CONFIG_TASK_IO_ACCOUNTING
	r->rbytes = t->ioac.read_bytes;
	r->wbytes = t->ioac.write_bytes;
	r->cancel_wbytes = t->ioac.cancelled_write_bytes;
#endif
	prov_task_refresh_ns(r, t);
}

/* The namespaces of current (all 0 outside a task or once they are gone). */
void prov_current_ns(struct prov_nsinfo *ns)
{
	struct pid_namespace *pidns;
	struct nsproxy *p;

	memset(ns, 0, sizeof(*ns));
	if (!in_task())
		return;
	pidns = task_active_pid_ns(current);
	if (pidns)
		ns->pidns = pidns->ns.inum;
	p = current->nsproxy;
	if (!p)
		return;
	ns->utsns = p->uts_ns->ns.inum;
	ns->ipcns = p->ipc_ns->ns.inum;
	ns->mntns = p->mnt_ns->ns.inum;
	ns->netns = p->net_ns->ns.inum;
	ns->cgroupns = p->cgroup_ns->ns.inum;
}

/*
 * The task's secid comes from its objective cred: read it again only when
 * that cred changed (cred node ids are never reused).  Only current's own
 * hooks call this.
 */
static void prov_task_update_secid(struct prov_task_blob *b)
{
	struct prov_node *cred = prov_cred_node(current_real_cred());
	u64 cred_id = cred ? prov_node_id(cred) : 0;
	unsigned long flags;
	u32 secid;

	if (cred_id && READ_ONCE(b->secid_cred_id) == cred_id)
		return;
	security_task_getsecid_obj(current, &secid);
	prov_lock(&b->node, &flags);
	b->node.rec.task.node.secid = secid;
	prov_unlock(&b->node, flags);
	WRITE_ONCE(b->secid_cred_id, cred_id);
}

/* Record the clone edge of a task that has not done so yet. */
static void prov_task_flush_clone(struct prov_task_blob *b)
{
	struct prov_edge edge;

	if (likely(!READ_ONCE(b->clone_pending)))
		return;
	if (!xchg(&b->clone_pending, 0))
		return;
	/* The child may have become opaque, or the policy changed. */
	if (prov_filter_node(&b->node) || prov_filter_relation(RL_CLONE))
		return;
	edge = (struct prov_edge){ .flags = b->clone_flags };
	prov_sink(RL_CLONE, &b->clone_src, &b->node, &edge);
	prov_kernel_link(&b->node);
}

/*
 * The task node of any task, with its clone edge recorded (a task that
 * receives an edge from another before it ran a hook of its own).
 */
struct prov_node *prov_task_get(struct task_struct *t)
{
	struct prov_task_blob *b = prov_task_blob(t);
	struct prov_node *task = b ? prov_live(&b->node) : NULL;

	if (task && prov_enabled())
		prov_task_flush_clone(b);
	return task;
}

/* The task node of current, with its clone edge recorded. */
struct prov_node *prov_current_task(void)
{
	struct prov_task_blob *b = prov_task_blob(current);
	struct prov_node *task = b ? prov_live(&b->node) : NULL;

	if (task && prov_enabled())
		prov_task_flush_clone(b);
	return task;
}

/*
 * The process memory and task of current, refreshed.  False if capture
 * is off or current has no nodes.  @may_sleep: the hook runs in process
 * context and may name the process (never in RCU path walk).
 * prov_current_repeats below checks that this would refresh nothing:
 * what this refreshes, it must check.
 */
bool prov_ctx_current(struct prov_ctx *ctx, bool may_sleep)
{
	struct prov_task_blob *b;

	if (!prov_gate_open())
		return false;
	ctx->proc = prov_cred_node(current_cred());
	b = prov_task_blob(current);
	ctx->task = b ? prov_live(&b->node) : NULL;
	if (!ctx->proc || !ctx->task)
		return false;
	prov_targets_apply_current(ctx->proc, ctx->task);
	if (prov_is_opaque(ctx->proc)) {
		if (!prov_is_opaque(ctx->task))
			prov_set_flags(ctx->task, PROV_FLAG_OPAQUE, 0);
		return true;
	}
	prov_proc_update_secid(ctx->proc);
	prov_task_update_secid(b);
	if (may_sleep)
		prov_name_exe(ctx->proc);
	prov_task_flush_clone(b);
	return true;
}

/*
 * Graph economy, the repeated read at a hook's entry: true if current
 * reading @entity by @type would record nothing (the read memo,
 * prov_read_repeats_current) and prov_ctx_current(ctx, @may_sleep) would
 * refresh nothing: current's nodes are live, its process is not opaque,
 * both secids were read from its present cred, no clone edge waits and,
 * for a hook that may name the process, it was named in this epoch.
 * The caller checked that capture is on.
 */
bool prov_current_repeats(u64 type, const struct prov_node *entity,
			  bool may_sleep)
{
	const struct cred *cred = current_cred();
	struct prov_task_blob *b = prov_task_blob(current);
	struct prov_node *proc = prov_cred_node(cred);

	if (!b || !proc || !prov_live(&b->node) || cred != current_real_cred())
		return false;
	prov_targets_apply_current(proc, &b->node);
	if (prov_is_opaque(proc) || READ_ONCE(b->clone_pending))
		return false;
	if (may_sleep && current->mm && !prov_named_now(proc))
		return false;
	/* Racy hint, as in prov_proc_update_secid. */
	if (!data_race(proc->state & PROV_NODE_SECID) ||
	    READ_ONCE(b->secid_cred_id) != prov_node_id(proc))
		return false;
	return prov_read_repeats_current(&b->economy, type, entity, &b->node,
					 proc);
}

static int prov_task_alloc(struct task_struct *task,
			   unsigned long clone_flags)
{
	struct prov_edge edge = { .flags = clone_flags };
	struct prov_task_blob *b = prov_task_blob(task);
	struct prov_node *child;
	struct prov_ctx ctx;

	if (!b)
		return 0;
	child = &b->node;
	b->clone_pending = 0;
	b->economy.mem_pending = 0;
	prov_node_setup(child, PROV_CLASS_TASK, task, ACT_TASK);
	/* Threads of an opaque process are opaque. */
	if (prov_is_opaque_cred(current_cred()))
		prov_set_flags(child, PROV_FLAG_OPAQUE, 0);
	if (!prov_ctx_current(&ctx, true))
		return 0;
	if (prov_is_tracked(ctx.proc) && !prov_is_tracked(ctx.task))
		prov_set_flags(ctx.task, PROV_FLAG_TRACKED, 0);
	/* The child starts from the memory: reads waiting for it first. */
	prov_flush_memory(ctx.task, ctx.proc);
	prov_uses_two(RL_PROC_READ, ctx.proc, ctx.task, &edge);
	if (prov_is_opaque(ctx.task) || prov_is_opaque(child))
		return 0;
	if (!prov_is_tracked(ctx.task) && !prov_all())
		return 0;
	if (!prov_should_record(RL_CLONE, ctx.task, child))
		return 0;
	prov_kernel_link(ctx.task);
	prov_source(ctx.task, &b->clone_src);
	b->clone_flags = clone_flags;
	b->clone_pending = 1;
	return 0;
}

static void prov_task_free(struct task_struct *task)
{
	struct prov_task_blob *b = prov_task_blob(task);
	const struct cred *cred;

	if (!b || !prov_live(&b->node))
		return;
	prov_task_flush_clone(b);
	/* Reads still waiting go into the memory before the task ends. */
	if (READ_ONCE(b->economy.mem_pending)) {
		cred = rcu_dereference_protected(task->real_cred, true);
		prov_flush_memory(&b->node, prov_cred_node(cred));
	}
	prov_terminate(RL_TERMINATE_TASK, &b->node);
	prov_node_free(&b->node);
}

/*
 * Process control.  A tracer reads the tracee's memory and, when it
 * attaches, can change it: ptrace_attach (tracer -> tracee memory) and
 * ptrace_attach_task (tracer -> tracee) for an attach, ptrace_read_task
 * (tracee -> tracer) and ptrace_read (tracee memory -> tracer) for every
 * access check.  PTRACE_PEEK and POKE have no hook: the attach records both
 * directions in advance.  Runs under the tracee's task_lock.
 */
static int prov_ptrace_access_check(struct task_struct *child,
				    unsigned int mode)
{
	struct prov_edge edge = { .flags = mode };
	struct prov_node *ctask, *cproc;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, false))
		return 0;
	ctask = prov_task_get(child);
	if (!ctask || ctask == ctx.task)
		return 0;
	rcu_read_lock();
	cproc = prov_cred_node(__task_cred(child));
	/* Threads of one process share their memory. */
	if (cproc == ctx.proc)
		cproc = NULL;
	if (mode & PTRACE_MODE_ATTACH) {
		if (cproc)
			prov_generates(RL_PTRACE_ATTACH, ctx.proc, ctx.task,
				       cproc, &edge);
		prov_informs(RL_PTRACE_ATTACH_TASK, ctx.task, ctask, &edge);
	}
	prov_informs(RL_PTRACE_READ_TASK, ctask, ctx.task, &edge);
	if (cproc)
		prov_uses(RL_PTRACE_READ, cproc, ctx.task, ctx.proc, &edge);
	rcu_read_unlock();
	return 0;
}

/* PTRACE_TRACEME: the parent becomes the tracer (tasklist_lock held). */
static int prov_ptrace_traceme(struct task_struct *parent)
{
	struct prov_node *ptask;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, false))
		return 0;
	ptask = prov_task_get(parent);
	if (ptask && ptask != ctx.task)
		prov_informs(RL_PTRACE_TRACEME, ctx.task, ptask, NULL);
	return 0;
}

/*
 * prctl changes the state of the calling process (its name, dumpable,
 * seccomp, ...): process memory -> task -> process memory, flags = the
 * option.  -ENOSYS lets the kernel carry out the option.
 */
static int prov_task_prctl(int option, unsigned long arg2, unsigned long arg3,
			   unsigned long arg4, unsigned long arg5)
{
	struct prov_edge edge = { .flags = (u32)option };
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (prov_ctx_current(&ctx, true))
		prov_generates(RL_PRCTL, ctx.proc, ctx.task, ctx.proc, &edge);
	return -ENOSYS;
}

/*
 * setrlimit, prlimit: the caller changes the limits of @p's process:
 * memory -> task -> @p's memory, flags = the resource.  Runs under the
 * task_lock of @p's group leader.
 */
static int prov_task_setrlimit(struct task_struct *p, unsigned int resource,
			       struct rlimit *new_rlim)
{
	struct prov_edge edge = { .flags = resource };
	struct prov_node *pproc;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!prov_ctx_current(&ctx, false))
		return 0;
	rcu_read_lock();
	pproc = prov_cred_node(__task_cred(p));
	if (pproc)
		prov_generates(RL_SETRLIMIT, ctx.proc, ctx.task, pproc, &edge);
	rcu_read_unlock();
	return 0;
}

/*
 * nice, ioprio, scheduling policy of another task: the caller influences
 * how @p runs (setscheduler: task -> task).  Changing one's own is no
 * flow between activities and is not recorded.
 */
static void prov_task_sched(struct task_struct *p, u64 flags)
{
	struct prov_edge edge = { .flags = flags };
	struct prov_node *ptask;
	struct prov_ctx ctx;

	if (!prov_ctx_current(&ctx, false))
		return;
	ptask = prov_task_get(p);
	if (ptask && ptask != ctx.task)
		prov_informs(RL_SETSCHED, ctx.task, ptask, &edge);
}

static int prov_task_setnice(struct task_struct *p, int nice)
{
	if (!prov_gate_open())
		return 0;
	prov_task_sched(p, (u32)nice);
	return 0;
}

static int prov_task_setioprio(struct task_struct *p, int ioprio)
{
	if (!prov_gate_open())
		return 0;
	prov_task_sched(p, (u32)ioprio);
	return 0;
}

static int prov_task_setscheduler(struct task_struct *p)
{
	if (!prov_gate_open())
		return 0;
	prov_task_sched(p, 0);
	return 0;
}

static struct security_hook_list prov_task_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(task_alloc, prov_task_alloc),
	LSM_HOOK_INIT(task_free, prov_task_free),
	LSM_HOOK_INIT(ptrace_access_check, prov_ptrace_access_check),
	LSM_HOOK_INIT(ptrace_traceme, prov_ptrace_traceme),
	LSM_HOOK_INIT(task_prctl, prov_task_prctl),
	LSM_HOOK_INIT(task_setrlimit, prov_task_setrlimit),
	LSM_HOOK_INIT(task_setnice, prov_task_setnice),
	LSM_HOOK_INIT(task_setioprio, prov_task_setioprio),
	LSM_HOOK_INIT(task_setscheduler, prov_task_setscheduler),
};

static struct prov_economy *prov_task_economy(struct prov_node *n)
{
	return &container_of(n, struct prov_task_blob, node)->economy;
}

static struct prov_node *prov_task_current(void)
{
	return prov_task_node(current);
}

static const struct prov_class_ops prov_task_class = {
	.refresh = prov_task_refresh,
	.economy = prov_task_economy,
	.running = prov_task_current,
};

/* The boot task exists before the LSM is initialised. */
void __init prov_task_init_boot(void)
{
	struct prov_task_blob *b = prov_task_blob(current);

	prov_class_register(PROV_CLASS_TASK, &prov_task_class);
	if (b)
		prov_node_setup(&b->node, PROV_CLASS_TASK, current, ACT_TASK);
}

void __init prov_task_add_hooks(void)
{
	security_add_hooks(prov_task_hooks, ARRAY_SIZE(prov_task_hooks),
			   PROV_LSM_ID);
}
