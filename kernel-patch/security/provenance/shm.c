// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - SysV shared memory
 *
 * Reads and writes through an attached segment have no hook.  The flows
 * are recorded at the two ends of each attachment instead:
 *
 *  - shmat: a read-write attach records sh_attach (process memory -> task
 *    -> segment), then every attach records sh_read (segment -> process
 *    memory): what the segment holds is now in the process;
 *  - detach (shmdt, munmap, exit: core call site in ipc/shm.c): a
 *    read-write attachment records sh_write (process memory -> segment):
 *    what the process wrote while attached reaches later readers; then
 *    every attachment records sh_read again (segment -> process memory):
 *    what others wrote meanwhile may have been read.
 *
 * So data written by one process reaches every process that attaches
 * after it detached.  Flows between two processes attached at the same
 * time are over-approximated at the next detach and missed until then.
 */

#include <linux/ipc.h>
#include <linux/lsm_hooks.h>
#include <linux/shm.h>
#include <uapi/linux/shm.h>

#include "common.h"
#include "ipc.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static int prov_shm_alloc(struct kern_ipc_perm *perm)
{
	prov_ipc_create(perm, ENT_SHM, RL_SH_CREATE);
	return 0;
}

/* Under RCU, before the segment is mapped. */
static int prov_shm_shmat(struct kern_ipc_perm *perm, char __user *shmaddr,
			  int shmflg)
{
	struct prov_edge edge = { .flags = (u32)shmflg };
	struct prov_node *shm = prov_ipc_node(perm);
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!shm || !prov_ctx_current(&ctx, false))
		return 0;
	if (!(shmflg & SHM_RDONLY))
		prov_generates(RL_SH_ATTACH, ctx.proc, ctx.task, shm, &edge);
	prov_derives(RL_SH_READ, shm, ctx.proc, &edge);
	return 0;
}

/* Under the segment lock; @shmflg: SHM_RDONLY for a read-only attachment. */
static void prov_shm_shmdt(struct kern_ipc_perm *perm, int shmflg)
{
	struct prov_edge edge = { .flags = (u32)shmflg };
	struct prov_node *shm = prov_ipc_node(perm);
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	if (!shm || !prov_ctx_current(&ctx, false))
		return;
	if (!(shmflg & SHM_RDONLY)) {
		/* Reads still pending go into the memory first. */
		prov_flush_memory(ctx.task, ctx.proc);
		prov_derives(RL_SH_WRITE, ctx.proc, shm, &edge);
	}
	prov_derives(RL_SH_READ, shm, ctx.proc, &edge);
}

static struct security_hook_list prov_shm_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(shm_alloc_security, prov_shm_alloc),
	LSM_HOOK_INIT(shm_free_security, prov_ipc_free),
	LSM_HOOK_INIT(shm_shmat, prov_shm_shmat),
	LSM_HOOK_INIT(shm_shmdt, prov_shm_shmdt),
};

void __init prov_shm_add_hooks(void)
{
	security_add_hooks(prov_shm_hooks, ARRAY_SIZE(prov_shm_hooks),
			   PROV_LSM_ID);
}
