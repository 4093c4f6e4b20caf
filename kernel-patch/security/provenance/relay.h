/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - output: relay channels and the boot buffer
 */

#ifndef _SECURITY_PROVENANCE_RELAY_H
#define _SECURITY_PROVENANCE_RELAY_H

#include <linux/types.h>
#include <uapi/linux/provenance.h>

void prov_emit(void *record);
void prov_emit_linked(void *record, const struct prov_version_link *link);
int prov_relay_start(const struct prov_relay_conf *conf);
int prov_relay_flush(void);
bool prov_relay_live(void);
bool prov_relay_written(void);
void prov_drop(void);
u64 prov_drop_count(void);
u64 prov_sent_count(void);
u64 prov_links_count(void);
u32 prov_boot_id(void);
u32 prov_machine_id(void);

#endif /* _SECURITY_PROVENANCE_RELAY_H */
