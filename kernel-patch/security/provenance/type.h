/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - element types: names and record kinds
 */

#ifndef _SECURITY_PROVENANCE_TYPE_H
#define _SECURITY_PROVENANCE_TYPE_H

#include <linux/types.h>

u16 prov_type_kind(u64 type);
u32 prov_kind_size(u16 kind);
bool prov_kind_is_long(u16 kind);
const char *prov_type_name(u64 type, bool relation);
u64 prov_type_from_name(const char *name, bool relation);

#endif /* _SECURITY_PROVENANCE_TYPE_H */
