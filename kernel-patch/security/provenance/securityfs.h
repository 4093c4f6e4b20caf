/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - the files of /sys/kernel/security/provenance/
 *
 * Each area that owns control files exports a table of them; securityfs.c
 * creates every table's files at boot.
 */

#ifndef _SECURITY_PROVENANCE_SECURITYFS_H
#define _SECURITY_PROVENANCE_SECURITYFS_H

#include <linux/fs.h>
#include <linux/types.h>

struct prov_fs_file {
	const char *name;
	umode_t mode;
	void *data;		/* the file's i_private */
	const struct file_operations *fops;
};

/* "process" and "file": change or query the state of one object. */
extern const struct prov_fs_file prov_control_files[];
extern const int prov_control_files_count;

/* "policy_hash", "commit", "abi_version". */
extern const struct prov_fs_file prov_hash_files[];
extern const int prov_hash_files_count;

/* Fill @st with the public state of @n (identifier, flags, taint). */
struct prov_node;
struct prov_object_state;
void prov_object_state_fill(struct prov_node *n, struct prov_object_state *st);

/* Set and clear TRACKED, OPAQUE and PROPAGATE as selected by @op. */
void prov_op_flags(u8 op, u32 flags, u32 *set, u32 *clear);

#endif /* _SECURITY_PROVENANCE_SECURITYFS_H */
