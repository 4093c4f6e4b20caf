/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Provenance capture: the binary records the kernel streams to userspace.
 *
 * This header is the only definition of the record layout.  The kernel
 * builds its records from it and userspace decodes them with it.
 *
 * Every record starts with a struct prov_record_header giving its total
 * size (a multiple of 8 bytes), its layout (enum prov_record_kind) and the
 * ABI version.  Records are packed back to back in the relay files; a reader
 * steps from one record to the next by the size field.  All fields are in
 * host byte order except the packet identifier, which keeps the network byte
 * order of the packet headers it is taken from.
 *
 * Records of kinds carrying text or blobs end in a variable-length payload;
 * the payload length is given explicitly and the bytes are followed by a NUL
 * and zero padding up to the record size.
 */
#ifndef _UAPI_LINUX_PROVENANCE_H
#define _UAPI_LINUX_PROVENANCE_H

#include <linux/types.h>
#include "provenance_types.h"

#define PROV_ABI_VERSION	2

/* Records are aligned to, and their sizes rounded up to, this many bytes. */
#define PROV_RECORD_ALIGN	8
/* No record is longer than this (it must fit the smallest relay buffer). */
#define PROV_RECORD_MAX		8192
/* Longest string or blob carried in one record; longer values are cut. */
#define PROV_PAYLOAD_MAX	4096
/* Length of the fields of struct new_utsname. */
#define PROV_UTS_LEN		65
#define PROV_COMMIT_LEN		64

/* Layout of the bytes following the header. */
enum prov_record_kind {
	PROV_KIND_RELATION = 1,	/* struct prov_relation_record */
	PROV_KIND_TASK = 2,	/* struct prov_task_record */
	PROV_KIND_PROC = 3,	/* struct prov_proc_record */
	PROV_KIND_INODE = 4,	/* struct prov_inode_record */
	PROV_KIND_MSG = 5,	/* struct prov_msg_record */
	PROV_KIND_SHM = 6,	/* struct prov_shm_record */
	PROV_KIND_SB = 7,	/* struct prov_sb_record */
	PROV_KIND_PACKET = 8,	/* struct prov_packet_record */
	PROV_KIND_IATTR = 9,	/* struct prov_iattr_record */
	PROV_KIND_STRING = 10,	/* struct prov_payload_record (log text) */
	PROV_KIND_PATH = 11,	/* struct prov_payload_record (path name) */
	PROV_KIND_ADDRESS = 12,	/* struct prov_payload_record (sockaddr) */
	PROV_KIND_XATTR = 13,	/* struct prov_xattr_record */
	PROV_KIND_PACKET_CONTENT = 14, /* struct prov_payload_record */
	PROV_KIND_ARG = 15,	/* struct prov_payload_record (argv, envp) */
	PROV_KIND_DISC = 16,	/* struct prov_disc_record */
	PROV_KIND_MACHINE = 17,	/* struct prov_machine_record */
	PROV_KIND_MAX = 18,
};

/* prov_record_header.flags */
#define PROV_RECORD_REPLAYED	0x01	/* held in the boot buffer, then sent */
#define PROV_RECORD_VERSIONED	0x02	/* node record ending in a version link */

/* 16 bytes at the start of every record. */
struct prov_record_header {
	__u32 size;		/* whole record in bytes, multiple of 8 */
	__u16 kind;		/* enum prov_record_kind */
	__u8 abi_version;	/* PROV_ABI_VERSION */
	__u8 flags;		/* PROV_RECORD_* */
	__u64 time_ns;		/* CLOCK_REALTIME when the record was made */
};

/*
 * The last 24 bytes of a node record whose header has PROV_RECORD_VERSIONED
 * (ABI 2 on): the record also stands for the relation of @type (RL_VERSION
 * or RL_VERSION_TASK) from the node's previous version (the same identifier
 * with version - 1) to this version.  That relation has relation id @id,
 * the boot and machine ids, epoch, jiffies and time of the node record,
 * flags 0, no offset, task_id @task_id and is allowed: what a separate
 * relation record would carry, in 24 bytes instead of 168.
 */
struct prov_version_link {
	__u64 type;		/* RL_VERSION or RL_VERSION_TASK */
	__u64 id;		/* relation id */
	__u64 task_id;		/* node id of the task that caused it, or 0 */
};

/* Identity of a node version: 32 bytes, reference field order. */
struct prov_node_identifier {
	__u64 type;
	__u64 id;
	__u32 boot_id;
	__u32 machine_id;
	__u32 version;
	__u32 reserved;		/* zero */
};

/* Identity of a relation; the last 8 bytes are zero. */
struct prov_relation_identifier {
	__u64 type;
	__u64 id;
	__u32 boot_id;
	__u32 machine_id;
	__u64 reserved;		/* zero */
};

/*
 * Identity of a packet: its header tuple, in network byte order, and a
 * digest of the fields that tell apart packets of one flow (docs/abi.md).
 */
struct prov_packet_identifier {
	__u64 type;
	__u16 id;		/* IPv4 identification; IPv6: digest */
	__u16 digest;		/* digest, bits 39..24 */
	__u32 snd_ip;
	__u32 rcv_ip;
	__u16 snd_port;
	__u16 rcv_port;
	__u8 protocol;
	__u8 digest_ext[3];	/* digest, bits 23..0 */
	__u32 seq;
};

union prov_identifier {
	struct prov_node_identifier node;
	struct prov_relation_identifier relation;
	struct prov_packet_identifier packet;
	__u8 buffer[32];
};

/* Node and relation flags (prov_element.flags). */
#define PROV_FLAG_TRACKED	0x01	/* record even when "all" is off */
#define PROV_FLAG_OPAQUE	0x02	/* never record */
#define PROV_FLAG_PROPAGATE	0x04	/* spread tracking to what it touches */
#define PROV_FLAG_RECORD_PACKET	0x08	/* record packet content (sockets) */
#define PROV_FLAGS_PUBLIC	0x0F	/* the bits userspace may see and set */

/* Common to every node and relation record: 56 bytes. */
struct prov_element {
	union prov_identifier identifier;
	__u32 epoch;		/* capture epoch the element was written in */
	__u32 flags;		/* PROV_FLAG_* */
	__u64 jiffies;		/* get_jiffies_64() when written */
	__u64 taint;		/* taint label bitmap */
};

/* A relation (edge) from snd to rcv; the information flows snd -> rcv. */
struct prov_relation_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	union prov_identifier snd;
	union prov_identifier rcv;
	__s64 offset;		/* file position, valid if has_offset */
	__u64 flags;		/* hook argument: access mask, clone flags... */
	__u64 task_id;		/* node id of the task that caused it */
	__u8 allowed;		/* 1 if the flow was allowed */
	__u8 has_offset;	/* 1 if offset is set */
	__u8 reserved[6];
};

/* Common to every node record. */
struct prov_node_common {
	union prov_identifier name_id;	/* path node naming this node, or 0 */
	__u32 secid;
	__u32 uid;
	__u32 gid;
	__u32 reserved;
};

/* A thread (ACT_TASK). */
struct prov_task_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u32 pid;
	__u32 vpid;
	__u64 utime;		/* microseconds */
	__u64 stime;		/* microseconds */
	__u64 vm;		/* KiB */
	__u64 rss;		/* KiB */
	__u64 hw_vm;		/* KiB */
	__u64 hw_rss;		/* KiB */
	__u64 rbytes;		/* bytes */
	__u64 wbytes;		/* bytes */
	__u64 cancel_wbytes;	/* bytes */
	__u32 utsns;
	__u32 ipcns;
	__u32 mntns;
	__u32 pidns;
	__u32 netns;
	__u32 cgroupns;
};

/* The memory and credentials of a process (ENT_PROC). */
struct prov_proc_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u32 tgid;
	__u32 reserved;
};

/* Any inode: file, directory, link, pipe, socket, device (ENT_INODE_*). */
struct prov_inode_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u64 ino;
	__u16 mode;
	__u8 reserved[6];
	__u8 sb_uuid[16];
};

/* SysV message (ENT_MSG). */
struct prov_msg_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__s64 type;
};

/* SysV shared memory segment (ENT_SHM). */
struct prov_shm_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u16 mode;
	__u8 reserved[6];
};

/* Superblock (ENT_SBLCK). */
struct prov_sb_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u8 uuid[16];
};

/* IPv4 packet (ENT_PACKET); the identity is in elt.identifier.packet. */
struct prov_packet_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u32 len;		/* IP total length, host byte order */
	__u32 reserved;
};

/* Attribute change (ENT_IATTR). */
struct prov_iattr_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u32 valid;		/* ATTR_* mask */
	__u16 mode;
	__u16 reserved;
	__s64 size;
	__s64 atime;		/* seconds */
	__s64 ctime;
	__s64 mtime;
};

/*
 * A node carrying one string or blob: log text (ENT_STR), path name
 * (ENT_PATH), socket address (ENT_ADDR, a raw struct sockaddr), packet
 * content (ENT_PCKCNT) and argv/envp entries (ENT_ARG, ENT_ENV).
 * length bytes follow; original_length > length means the value was cut.
 */
struct prov_payload_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u32 length;
	__u32 original_length;
	__u8 data[];
};

/* Extended attribute (ENT_XATTR): name_length bytes of name, a NUL, value. */
struct prov_xattr_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u32 name_length;
	__u32 value_length;
	__u32 original_value_length;
	__u32 reserved;
	__u8 data[];
};

/* Node disclosed by userspace (ACT_DISC, AGT_DISC, ENT_DISC). */
struct prov_disc_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	union prov_identifier parent;	/* the task that disclosed it */
	__u32 length;
	__u32 reserved;
	__u8 data[];
};

/* The running kernel (AGT_MACHINE). Strings are NUL-terminated. */
struct prov_machine_record {
	struct prov_record_header hdr;
	struct prov_element elt;
	struct prov_node_common node;
	__u8 cam_major;
	__u8 cam_minor;
	__u8 cam_patch;
	char sysname[PROV_UTS_LEN];
	char nodename[PROV_UTS_LEN];
	char release[PROV_UTS_LEN];
	char version[PROV_UTS_LEN];
	char machine[PROV_UTS_LEN];
	char domainname[PROV_UTS_LEN];
	char commit[PROV_COMMIT_LEN];
	__u8 reserved[7];
};

#include "provenance_fs.h"

#endif /* _UAPI_LINUX_PROVENANCE_H */
