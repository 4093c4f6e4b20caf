/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - registration of the hooks of each area
 */

#ifndef _SECURITY_PROVENANCE_SETUP_H
#define _SECURITY_PROVENANCE_SETUP_H

#include <linux/init.h>

#include "compat.h"

extern bool prov_initialized;

void __init prov_cred_add_hooks(void);
void __init prov_task_add_hooks(void);
void __init prov_inode_add_hooks(void);
void __init prov_file_add_hooks(void);
void __init prov_mapping_add_hooks(void);
void __init prov_exec_add_hooks(void);
void __init prov_xattr_add_hooks(void);
void __init prov_signal_add_hooks(void);
void __init prov_ipc_add_hooks(void);
void __init prov_msg_add_hooks(void);
void __init prov_shm_add_hooks(void);
void __init prov_mqueue_add_hooks(void);
void __init prov_socket_add_hooks(void);
void __init prov_fd_add_hooks(void);
void __init prov_admin_add_hooks(void);
void __init prov_bpf_add_hooks(void);

void __init prov_cred_init_boot(void);
void __init prov_task_init_boot(void);

#endif /* _SECURITY_PROVENANCE_SETUP_H */
