// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - signals and exit status
 *
 * A signal is a flow from the sender to the receiver: signal, sender task
 * -> receiving task, flags = the signal number.  The exit status of a
 * child reaches its parent when the parent reaps it (wait family): wait,
 * child task (its last version) -> parent task, flags = the status.
 */

#include <linux/lsm_hooks.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/security.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

/*
 * kill, tkill, tgkill, sigqueue, pidfd_send_signal (under RCU).  @cred is
 * set for signals the kernel sends on behalf of a process (async USB
 * I/O): not a flow from current.  Signal 0 only probes the receiver.
 */
static int prov_task_kill(struct task_struct *p, struct kernel_siginfo *info,
			  int sig, const struct cred *cred)
{
	struct prov_edge edge = { .flags = (u32)sig };
	struct prov_node *to;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!sig || cred || !in_task())
		return 0;
	if (!prov_ctx_current(&ctx, false))
		return 0;
	to = prov_task_get(p);
	/* A signal to oneself is no flow between activities. */
	if (to && to != ctx.task)
		prov_informs(RL_SIGNAL, ctx.task, to, &edge);
	return 0;
}

/*
 * A parent reaps a zombie child (core call site in wait_task_zombie(),
 * tasklist_lock held for reading): the exit status flows from the child
 * to the parent.  Only recorded when the child or the parent is tracked,
 * and it spreads neither tracking nor taint: the status is 8 bits, and
 * under whole-system capture the edge would make init and every shell
 * descend from everything their children ever read.
 */
static void prov_task_wait(struct task_struct *p)
{
	struct prov_edge edge = {};
	struct prov_node *child;
	struct prov_ctx ctx;
	struct prov_src src;

	if (!prov_gate_open())
		return;
	if (!prov_ctx_current(&ctx, false))
		return;
	child = prov_task_get(p);
	if (!child || child == ctx.task)
		return;
	if (!prov_is_tracked(child) && !prov_is_tracked(ctx.task))
		return;
	if (!prov_should_record(RL_WAIT, child, ctx.task))
		return;
	edge.flags = (u32)((p->signal->flags & SIGNAL_GROUP_EXIT) ?
			   p->signal->group_exit_code : p->exit_code);
	prov_kernel_link(child);
	prov_source(child, &src);
	src.flags &= ~PROV_FLAG_PROPAGATE;
	prov_sink(RL_WAIT, &src, ctx.task, &edge);
	prov_kernel_link(ctx.task);
}

static struct security_hook_list prov_signal_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(task_kill, prov_task_kill),
	LSM_HOOK_INIT(task_wait, prov_task_wait),
};

void __init prov_signal_add_hooks(void)
{
	security_add_hooks(prov_signal_hooks, ARRAY_SIZE(prov_signal_hooks),
			   PROV_LSM_ID);
}
