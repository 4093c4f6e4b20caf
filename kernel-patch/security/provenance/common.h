/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - common constants
 */

#ifndef _SECURITY_PROVENANCE_COMMON_H
#define _SECURITY_PROVENANCE_COMMON_H

#define PROV_LSM_NAME "provenance"

#ifdef pr_fmt
#undef pr_fmt
#endif

#define pr_fmt(fmt) PROV_LSM_NAME ": " fmt

/* Version of this implementation, reported in the machine record. */
#define PROV_CAM_MAJOR		0
#define PROV_CAM_MINOR		1
#define PROV_CAM_PATCH		0
#define PROV_VERSION_STR	"v0.1.0"

/* Commit of the build, in "commit" and the machine record (may be empty). */
#ifndef PROV_COMMIT_STR
#define PROV_COMMIT_STR		""
#endif

#endif /* _SECURITY_PROVENANCE_COMMON_H */
