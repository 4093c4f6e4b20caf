/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - target lists: users, groups, namespaces, security
 * contexts and IPv4 addresses whose processes (or sockets) are tracked,
 * propagate or are opaque
 */

#ifndef _SECURITY_PROVENANCE_TARGET_H
#define _SECURITY_PROVENANCE_TARGET_H

#include <crypto/sha2.h>
#include <linux/cred.h>
#include <linux/sched.h>

#include "node.h"
#include "securityfs.h"

/* Apply the uid, gid and secctx lists to the process memory of @cred. */
void prov_targets_apply_cred(struct prov_node *proc, const struct cred *cred);

extern bool prov_process_targets;

void prov_targets_apply_current_lists(struct prov_node *proc,
				      struct prov_node *task);

/*
 * Apply every list that concerns current: the cred lists to its process
 * memory, the namespace list to its task.  Safe in atomic context.  One
 * load and a branch when those lists are empty.
 */
static inline void prov_targets_apply_current(struct prov_node *proc,
					      struct prov_node *task)
{
	if (READ_ONCE(prov_process_targets))
		prov_targets_apply_current_lists(proc, task);
}

/*
 * The op of the most specific entry of the ipv4 ingress or egress list
 * matching @addr and @port (network byte order).  Any context.
 */
u8 prov_target_ipv4(bool ingress, __be32 addr, __be16 port);

/* Feed every list, sorted by key, into the policy hash. */
void prov_targets_hash(struct sha256_state *sha);

extern const struct prov_fs_file prov_target_files[];
extern const int prov_target_files_count;

#endif /* _SECURITY_PROVENANCE_TARGET_H */
