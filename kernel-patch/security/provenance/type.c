// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - element types: names and record kinds
 *
 * The names table is built from the shared uapi list, so the kernel and
 * userspace agree on every name.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <uapi/linux/provenance.h>

#include "type.h"

struct prov_type_name {
	u64 type;
	const char *name;
};

static const struct prov_type_name prov_node_names[] = {
#define PROV_NODE_NAMES
#include <uapi/linux/provenance_names.h>
#undef PROV_NODE_NAMES
};

static const struct prov_type_name prov_relation_names[] = {
#define PROV_RELATION_NAMES
#include <uapi/linux/provenance_names.h>
#undef PROV_RELATION_NAMES
};

/* Record kind of a node type; 0 for relations and unknown types. */
u16 prov_type_kind(u64 type)
{
	switch (type) {
	case ACT_TASK:
		return PROV_KIND_TASK;
	case ENT_PROC:
		return PROV_KIND_PROC;
	case ENT_INODE_UNKNOWN:
	case ENT_INODE_LINK:
	case ENT_INODE_FILE:
	case ENT_INODE_DIRECTORY:
	case ENT_INODE_CHAR:
	case ENT_INODE_BLOCK:
	case ENT_INODE_PIPE:
	case ENT_INODE_SOCKET:
		return PROV_KIND_INODE;
	case ENT_MSG:
		return PROV_KIND_MSG;
	case ENT_SHM:
	case ENT_MSG_Q:
	case ENT_SEM:
		return PROV_KIND_SHM;
	case ENT_SBLCK:
		return PROV_KIND_SB;
	case ENT_PACKET:
		return PROV_KIND_PACKET;
	case ENT_IATTR:
		return PROV_KIND_IATTR;
	case ENT_STR:
		return PROV_KIND_STRING;
	case ENT_PATH:
		return PROV_KIND_PATH;
	case ENT_ADDR:
		return PROV_KIND_ADDRESS;
	case ENT_XATTR:
		return PROV_KIND_XATTR;
	case ENT_PCKCNT:
		return PROV_KIND_PACKET_CONTENT;
	case ENT_ARG:
	case ENT_ENV:
		return PROV_KIND_ARG;
	case ACT_DISC:
	case AGT_DISC:
	case ENT_DISC:
		return PROV_KIND_DISC;
	case AGT_MACHINE:
		return PROV_KIND_MACHINE;
	default:
		return 0;
	}
}

/* Size of a fixed-size record kind; 0 for variable-size kinds. */
u32 prov_kind_size(u16 kind)
{
	switch (kind) {
	case PROV_KIND_RELATION:
		return sizeof(struct prov_relation_record);
	case PROV_KIND_TASK:
		return sizeof(struct prov_task_record);
	case PROV_KIND_PROC:
		return sizeof(struct prov_proc_record);
	case PROV_KIND_INODE:
		return sizeof(struct prov_inode_record);
	case PROV_KIND_MSG:
		return sizeof(struct prov_msg_record);
	case PROV_KIND_SHM:
		return sizeof(struct prov_shm_record);
	case PROV_KIND_SB:
		return sizeof(struct prov_sb_record);
	case PROV_KIND_PACKET:
		return sizeof(struct prov_packet_record);
	case PROV_KIND_IATTR:
		return sizeof(struct prov_iattr_record);
	case PROV_KIND_MACHINE:
		return sizeof(struct prov_machine_record);
	default:
		return 0;
	}
}

/* Records of these kinds go to the long channel. */
bool prov_kind_is_long(u16 kind)
{
	switch (kind) {
	case PROV_KIND_STRING:
	case PROV_KIND_PATH:
	case PROV_KIND_ADDRESS:
	case PROV_KIND_XATTR:
	case PROV_KIND_PACKET_CONTENT:
	case PROV_KIND_ARG:
	case PROV_KIND_DISC:
	case PROV_KIND_MACHINE:
		return true;
	default:
		return false;
	}
}

static const struct prov_type_name *prov_table(bool relation, size_t *len)
{
	if (relation) {
		*len = ARRAY_SIZE(prov_relation_names);
		return prov_relation_names;
	}
	*len = ARRAY_SIZE(prov_node_names);
	return prov_node_names;
}

/* Name of a type, "unknown" if it has none. */
const char *prov_type_name(u64 type, bool relation)
{
	const struct prov_type_name *t;
	size_t i, len;

	t = prov_table(relation, &len);
	for (i = 0; i < len; i++)
		if (t[i].type == type)
			return t[i].name;
	return "unknown";
}

/* Type of a name, 0 if unknown. */
u64 prov_type_from_name(const char *name, bool relation)
{
	const struct prov_type_name *t;
	size_t i, len;

	t = prov_table(relation, &len);
	for (i = 0; i < len; i++)
		if (!strcmp(t[i].name, name))
			return t[i].type;
	return 0;
}
