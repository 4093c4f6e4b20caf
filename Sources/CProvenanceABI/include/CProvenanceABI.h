/*
 * C view of the provenance ABI for the Swift package.
 *
 * This is not a copy of the kernel's uapi headers: it includes them from
 * kernel-patch/ by relative path, so the kernel and userspace always compile
 * against the same definition of every record and control structure.
 */
#ifndef CPROVENANCEABI_H
#define CPROVENANCEABI_H

#include <stddef.h>
#include <stdint.h>
#include "../../../kernel-patch/include/uapi/linux/provenance.h"

/* One entry of the node or relation name table (see provenance_names.h). */
struct prov_type_name {
	uint64_t type;
	const char *name;
};

/* Node type names: prov_node_name_count() entries. */
size_t prov_node_name_count(void);
const struct prov_type_name *prov_node_names(void);

/* Relation type names: prov_relation_name_count() entries. */
size_t prov_relation_name_count(void);
const struct prov_type_name *prov_relation_names(void);

/* Byte offset of the flexible payload in the variable-length records. */
size_t prov_payload_data_offset(void);
size_t prov_xattr_data_offset(void);
size_t prov_disc_data_offset(void);

#endif /* CPROVENANCEABI_H */
