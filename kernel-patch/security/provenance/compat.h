/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - differences between the supported kernels (6.1 and 6.12)
 *
 * Every LINUX_VERSION_CODE test of the LSM lives here; the hooks use the
 * names below and stay the same on every kernel.
 */

#ifndef _SECURITY_PROVENANCE_COMPAT_H
#define _SECURITY_PROVENANCE_COMPAT_H

#include <linux/version.h>
#include <linux/lsm_hooks.h>
#include <linux/mm.h>

#include "common.h"

/* 6.5 moved the GSO helpers (skb_gso_validate_network_len) to net/gso.h. */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif

/* 6.6 folded __lsm_ro_after_init into __ro_after_init. */
#ifndef __lsm_ro_after_init
#define __lsm_ro_after_init	__ro_after_init
#endif

/*
 * 6.8: security_add_hooks() takes a struct lsm_id (name and number) instead
 * of the name.  LSM_ID_PROVENANCE is not assigned upstream; it is outside the
 * range the kernel's own modules use.  PROV_DEFINE_LSM_ID defines the one
 * object every area registers its hooks with (setup.c).
 */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#include <uapi/linux/lsm.h>
#define LSM_ID_PROVENANCE	150
extern const struct lsm_id prov_lsm_id;
#define PROV_LSM_ID		(&prov_lsm_id)
#define PROV_DEFINE_LSM_ID						\
	const struct lsm_id prov_lsm_id = {				\
		.name = PROV_LSM_NAME,					\
		.id = LSM_ID_PROVENANCE,				\
	}
#else
extern const char prov_lsm_id[];
#define PROV_LSM_ID		prov_lsm_id
#define PROV_DEFINE_LSM_ID	const char prov_lsm_id[] = PROV_LSM_NAME
#endif

/*
 * 6.3: the xattr hooks take the mount's idmapping (struct mnt_idmap) where
 * 6.1 passes its user namespace; 6.8 adds it to inode_setattr.
 * Write "struct prov_idmap *idmap" and PROV_SETATTR_IDMAP.
 */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define prov_idmap		mnt_idmap
#else
#define prov_idmap		user_namespace
#endif

#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define PROV_SETATTR_IDMAP	struct mnt_idmap *idmap,
#else
#define PROV_SETATTR_IDMAP
#endif

/* 6.7: bprm_committing_creds and sb_kern_mount take const pointers. */
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
#define PROV_HOOK_CONST		const
#else
#define PROV_HOOK_CONST
#endif

/* 6.5: get_user_pages_remote() lost its vmas argument.  One page at @addr. */
static inline long prov_get_user_page(struct mm_struct *mm, unsigned long addr,
				      unsigned int gup_flags,
				      struct page **page)
{
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
	return get_user_pages_remote(mm, addr, 1, gup_flags, page, NULL);
#else
	return get_user_pages_remote(mm, addr, 1, gup_flags, page, NULL, NULL);
#endif
}

#endif /* _SECURITY_PROVENANCE_COMPAT_H */
