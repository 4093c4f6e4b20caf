// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - SysV IPC objects and semaphores
 *
 * Every SysV IPC object (message queue, shared memory segment, semaphore
 * set) carries a node in its kern_ipc_perm blob: msg_queue, shm or
 * semaphore, written as a prov_shm_record with the object's mode.  Its
 * creation is recorded as process memory -> task -> object (ipc_create,
 * sh_create for a segment); the node ends with a free version when the
 * object is freed (from RCU).
 *
 * A semop reads the semaphore values (whether it proceeds, blocks or
 * fails depends on them): sem_read, semaphore -> task -> memory.  One that
 * changes a value also writes them: sem_write, memory -> task ->
 * semaphore, recorded after the read.  Both are recorded when the call is
 * checked, before it may block.
 */

#include <linux/ipc.h>
#include <linux/lsm_hooks.h>
#include <linux/sem.h>

#include "common.h"
#include "ipc.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

/*
 * Process context, under the ids rwsem (the object is not visible yet):
 * nothing that takes mm locks (the process is not named here).
 */
void prov_ipc_create(struct kern_ipc_perm *perm, u64 type, u64 create)
{
	struct prov_node *n = prov_ipc_blob(perm);
	struct prov_ctx ctx;

	if (!n)
		return;
	prov_node_setup(n, PROV_CLASS_IPC, perm, type);
	n->rec.shm.mode = perm->mode;
	if (prov_ctx_current(&ctx, false))
		prov_generates(create, ctx.proc, ctx.task, n, NULL);
}

void prov_ipc_free(struct kern_ipc_perm *perm)
{
	struct prov_node *n = prov_ipc_node(perm);

	if (!n)
		return;
	prov_terminate(RL_FREED, n);
	prov_node_free(n);
}

static int prov_sem_alloc(struct kern_ipc_perm *perm)
{
	prov_ipc_create(perm, ENT_SEM, RL_IPC_CREATE);
	return 0;
}

/* Under RCU, before the operation is carried out (it may then block). */
static int prov_sem_semop(struct kern_ipc_perm *perm, struct sembuf *sops,
			  unsigned int nsops, int alter)
{
	struct prov_edge edge = { .flags = nsops };
	struct prov_node *sem = prov_ipc_node(perm);
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!sem || !prov_ctx_current(&ctx, false))
		return 0;
	prov_uses(RL_SEM_READ, sem, ctx.task, ctx.proc, &edge);
	if (alter)
		prov_generates(RL_SEM_WRITE, ctx.proc, ctx.task, sem, &edge);
	return 0;
}

static struct security_hook_list prov_ipc_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(sem_alloc_security, prov_sem_alloc),
	LSM_HOOK_INIT(sem_free_security, prov_ipc_free),
	LSM_HOOK_INIT(sem_semop, prov_sem_semop),
};

void __init prov_ipc_add_hooks(void)
{
	security_add_hooks(prov_ipc_hooks, ARRAY_SIZE(prov_ipc_hooks),
			   PROV_LSM_ID);
}
