/*
 * Name tables built from the kernel's provenance_names.h, which is written
 * as the body of an array initializer: the kernel and userspace both expand
 * it, so there is one list of names.
 */
#include "CProvenanceABI.h"

static const struct prov_type_name node_names[] = {
#define PROV_NODE_NAMES
#include "../../kernel-patch/include/uapi/linux/provenance_names.h"
#undef PROV_NODE_NAMES
};

static const struct prov_type_name relation_names[] = {
#define PROV_RELATION_NAMES
#include "../../kernel-patch/include/uapi/linux/provenance_names.h"
#undef PROV_RELATION_NAMES
};

/* The payload starts right after the fixed part of the structure. */
_Static_assert(offsetof(struct prov_payload_record, data) ==
	       sizeof(struct prov_payload_record), "payload offset");
_Static_assert(offsetof(struct prov_xattr_record, data) ==
	       sizeof(struct prov_xattr_record), "xattr offset");
_Static_assert(offsetof(struct prov_disc_record, data) ==
	       sizeof(struct prov_disc_record), "disc offset");
_Static_assert(sizeof(struct prov_record_header) == 16, "header size");
_Static_assert(sizeof(union prov_identifier) == 32, "identifier size");

size_t prov_node_name_count(void)
{
	return sizeof(node_names) / sizeof(node_names[0]);
}

const struct prov_type_name *prov_node_names(void)
{
	return node_names;
}

size_t prov_relation_name_count(void)
{
	return sizeof(relation_names) / sizeof(relation_names[0]);
}

const struct prov_type_name *prov_relation_names(void)
{
	return relation_names;
}

size_t prov_payload_data_offset(void)
{
	return offsetof(struct prov_payload_record, data);
}

size_t prov_xattr_data_offset(void)
{
	return offsetof(struct prov_xattr_record, data);
}

size_t prov_disc_data_offset(void)
{
	return offsetof(struct prov_disc_record, data);
}
