/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - SysV IPC objects (shared by ipc.c, msg.c, shm.c)
 */

#ifndef _SECURITY_PROVENANCE_IPC_H
#define _SECURITY_PROVENANCE_IPC_H

#include <linux/ipc.h>
#include <linux/types.h>

void prov_ipc_create(struct kern_ipc_perm *perm, u64 type, u64 create);
void prov_ipc_free(struct kern_ipc_perm *perm);

#endif /* _SECURITY_PROVENANCE_IPC_H */
