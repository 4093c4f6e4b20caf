// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - registration
 */

#include <linux/init.h>
#include <linux/lsm_hooks.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

bool prov_initialized __lsm_ro_after_init;

struct prov_policy prov_policy = {
	.enabled = IS_ENABLED(CONFIG_SECURITY_PROVENANCE_WHOLE_SYSTEM),
	.all = IS_ENABLED(CONFIG_SECURITY_PROVENANCE_WHOLE_SYSTEM),
	.should_version = true,
	.compress_node = true,
	.compress_edge = true,
	.economy = true,
};

atomic_t prov_epoch = ATOMIC_INIT(1);
atomic_t prov_policy_generation = ATOMIC_INIT(1);

/* What every area registers its hooks with (compat.h). */
PROV_DEFINE_LSM_ID;

struct lsm_blob_sizes prov_blob_sizes __lsm_ro_after_init = {
	.lbs_cred = PROV_NODE_SIZE(struct prov_proc_record),
	.lbs_inode = PROV_NODE_SIZE(struct prov_inode_record),
	.lbs_ipc = PROV_NODE_SIZE(struct prov_shm_record),
	.lbs_msg_msg = PROV_NODE_SIZE(struct prov_msg_record),
	.lbs_superblock = sizeof(struct prov_sb_blob),
	.lbs_task = offsetof(struct prov_task_blob, node) +
		    PROV_NODE_SIZE(struct prov_task_record),
};

static int __init prov_init(void)
{
	int rc;

	rc = prov_scratch_init();
	if (rc) {
		pr_err("cannot allocate scratch space: %d\n", rc);
		return rc;
	}
	prov_machine_init();
	prov_cred_init_boot();
	prov_task_init_boot();
	prov_cred_add_hooks();
	prov_task_add_hooks();
	prov_inode_add_hooks();
	prov_file_add_hooks();
	prov_mapping_add_hooks();
	prov_exec_add_hooks();
	prov_xattr_add_hooks();
	prov_signal_add_hooks();
	prov_ipc_add_hooks();
	prov_msg_add_hooks();
	prov_shm_add_hooks();
	prov_mqueue_add_hooks();
	prov_socket_add_hooks();
	prov_fd_add_hooks();
	prov_admin_add_hooks();
#ifdef CONFIG_BPF_SYSCALL
	prov_bpf_add_hooks();
#endif
	prov_initialized = true;
	pr_info("initialized%s\n", prov_policy.all ?
		", whole-system capture from boot" : "");
	return 0;
}

DEFINE_LSM(provenance) = {
	.name = PROV_LSM_NAME,
	.init = prov_init,
	.blobs = &prov_blob_sizes,
};
