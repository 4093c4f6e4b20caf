// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - SysV message queues and messages
 *
 * Every message (SysV and POSIX) carries an msg node, first recorded when
 * it is sent.  msgsnd: process memory -> task -> message (send_msg_queue,
 * flags = msgflg), then message -> queue (msg_enqueue).  msgrcv: message
 * -> receiving task -> its memory (receive_msg_queue, flags = the mode);
 * the receiver may be a task waiting in msgrcv, handed the message by the
 * sender.  The message carries the sender's data to the receiver.
 */

#include <linux/ipc.h>
#include <linux/lsm_hooks.h>
#include <linux/msg.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "common.h"
#include "ipc.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static int prov_msg_msg_alloc(struct msg_msg *msg)
{
	struct prov_node *n = prov_msg_blob(msg);

	if (n)
		prov_node_setup(n, PROV_CLASS_MSG, msg, ENT_MSG);
	return 0;
}

static void prov_msg_msg_free(struct msg_msg *msg)
{
	struct prov_node *n = prov_msg_node(msg);

	if (!n)
		return;
	/* Most messages (all POSIX ones) never appear in the graph. */
	if (data_race(n->recorded_epoch))
		prov_terminate(RL_FREED, n);
	prov_node_free(n);
}

static int prov_msg_queue_alloc(struct kern_ipc_perm *perm)
{
	prov_ipc_create(perm, ENT_MSG_Q, RL_IPC_CREATE);
	return 0;
}

/* Under the queue lock; may be called again after waiting for room. */
static int prov_msg_queue_msgsnd(struct kern_ipc_perm *perm,
				 struct msg_msg *msg, int msqflg)
{
	struct prov_edge edge = { .flags = (u32)msqflg };
	struct prov_node *m = prov_msg_node(msg);
	struct prov_node *q = prov_ipc_node(perm);
	struct prov_ctx ctx;
	unsigned long flags;

	if (!prov_gate_open())
		return 0;
	if (!m || !prov_ctx_current(&ctx, false))
		return 0;
	prov_lock(m, &flags);
	m->rec.msg.type = msg->m_type;
	prov_unlock(m, flags);
	prov_generates(RL_SND_MSG_Q, ctx.proc, ctx.task, m, &edge);
	if (q)
		prov_derives(RL_MSG_ENQUEUE, m, q, NULL);
	return 0;
}

/*
 * Under the queue lock, by the receiver or by a sender handing the
 * message to @target, waiting in msgrcv.
 */
static int prov_msg_queue_msgrcv(struct kern_ipc_perm *perm,
				 struct msg_msg *msg,
				 struct task_struct *target, long type,
				 int mode)
{
	struct prov_edge edge = { .flags = (u32)mode };
	struct prov_node *m = prov_msg_node(msg);
	struct prov_node *task, *proc;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!m || !prov_enabled())
		return 0;
	if (target == current) {
		if (prov_ctx_current(&ctx, false))
			prov_uses(RL_RCV_MSG_Q, m, ctx.task, ctx.proc, &edge);
		return 0;
	}
	task = prov_task_get(target);
	if (!task)
		return 0;
	rcu_read_lock();
	proc = prov_cred_node(__task_cred(target));
	if (proc)
		prov_uses(RL_RCV_MSG_Q, m, task, proc, &edge);
	rcu_read_unlock();
	return 0;
}

static struct security_hook_list prov_msg_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(msg_msg_alloc_security, prov_msg_msg_alloc),
	LSM_HOOK_INIT(msg_msg_free_security, prov_msg_msg_free),
	LSM_HOOK_INIT(msg_queue_alloc_security, prov_msg_queue_alloc),
	LSM_HOOK_INIT(msg_queue_free_security, prov_ipc_free),
	LSM_HOOK_INIT(msg_queue_msgsnd, prov_msg_queue_msgsnd),
	LSM_HOOK_INIT(msg_queue_msgrcv, prov_msg_queue_msgrcv),
};

void __init prov_msg_add_hooks(void)
{
	security_add_hooks(prov_msg_hooks, ARRAY_SIZE(prov_msg_hooks),
			   PROV_LSM_ID);
}
