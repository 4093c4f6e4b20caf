// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - POSIX message queues
 *
 * Linux has no LSM hook for mq_timedsend and mq_timedreceive: core call
 * sites in ipc/mqueue.c.  A send is process memory -> task -> queue inode
 * (send_msg_queue, flags = the priority), recorded before the message is
 * queued so that a receiver always reads a later version of the queue; a
 * receive is queue inode -> task -> memory (receive_msg_queue), recorded
 * once the message was copied out.  mq_open and mq_unlink are inode
 * operations on the mqueue file system (inode and file hooks).
 */

#include <linux/fs.h>
#include <linux/lsm_hooks.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static void prov_mq_timedsend(struct inode *inode, size_t len,
			      unsigned int prio)
{
	struct prov_edge edge = { .flags = prio };
	struct prov_node *mq;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	if (!prov_ctx_current(&ctx, true))
		return;
	mq = prov_inode_get(inode);
	if (mq)
		prov_generates(RL_SND_MSG_Q, ctx.proc, ctx.task, mq, &edge);
}

static void prov_mq_timedreceive(struct inode *inode, size_t len)
{
	struct prov_node *mq;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	if (!prov_ctx_current(&ctx, true))
		return;
	mq = prov_inode_get(inode);
	if (mq)
		prov_uses(RL_RCV_MSG_Q, mq, ctx.task, ctx.proc, NULL);
}

static struct security_hook_list prov_mqueue_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(mq_timedsend, prov_mq_timedsend),
	LSM_HOOK_INIT(mq_timedreceive, prov_mq_timedreceive),
};

void __init prov_mqueue_add_hooks(void)
{
	security_add_hooks(prov_mqueue_hooks, ARRAY_SIZE(prov_mqueue_hooks),
			   PROV_LSM_ID);
}
