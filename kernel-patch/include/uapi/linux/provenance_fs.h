/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Provenance capture: the control structures exchanged through
 * securityfs (/sys/kernel/security/provenance/).
 */
#ifndef _UAPI_LINUX_PROVENANCE_FS_H
#define _UAPI_LINUX_PROVENANCE_FS_H

#include <linux/types.h>

#define PROV_SEC_PATH		"/sys/kernel/security/provenance/"
#define PROV_RELAY_NAME		"provenance"
#define PROV_LONG_RELAY_NAME	"long_provenance"

/* Relay buffer geometry accepted in struct prov_relay_conf. */
#define PROV_BUFF_EXP_MIN	13	/* one sub-buffer holds PROV_RECORD_MAX */
#define PROV_BUFF_EXP_MAX	24
#define PROV_SUBUF_NB_MIN	2
#define PROV_SUBUF_NB_MAX	256
/*
 * Boot buffer: bytes of records held, in order, until relay_conf is
 * written; more are counted as dropped.  The boot parameter
 * provenance.boot_buffer=SIZE (K, M, G suffixes) sets the bound, between
 * PROV_BOOT_BUFFER_MIN and a quarter of RAM; without it the bound is
 * PROV_BOOT_BUFFER_DEFAULT or an eighth of RAM, whichever is smaller.
 */
#define PROV_BOOT_BUFFER_DEFAULT	(64U << 20)
#define PROV_BOOT_BUFFER_MIN		(256U << 10)

/* Written once to "relay_conf": ids of this boot and the relay geometry. */
struct prov_relay_conf {
	__u32 boot_id;		/* non-zero */
	__u32 machine_id;	/* non-zero */
	__u32 buff_exp;		/* sub-buffer size is 1 << buff_exp bytes */
	__u32 subuf_nb;		/* sub-buffers per CPU and channel */
};

/* Written to the *_filter files: add or remove type bits. */
struct prov_filter {
	__u64 filter;
	__u64 mask;
	__u8 add;
	__u8 reserved[7];
};

/* op bits of the control structures. */
#define PROV_SET_TRACKED	0x01
#define PROV_SET_OPAQUE		0x02
#define PROV_SET_PROPAGATE	0x04
#define PROV_SET_TAINT		0x08
#define PROV_SET_DELETE		0x10
#define PROV_SET_RECORD		0x20

/*
 * Written to "self" (the caller) or "process" (by vpid, in the caller's pid
 * namespace).  For each of TRACKED, OPAQUE and PROPAGATE selected in op,
 * the node flag takes the value of the same bit in flags; PROV_SET_TAINT
 * ORs taint in.  Written to "process" with op 0 it is a query open to
 * everyone: a read of the same open file returns the process's
 * struct prov_object_state.
 */
struct prov_process_config {
	__u32 vpid;
	__u8 op;
	__u8 reserved[3];
	__u32 flags;		/* PROV_FLAG_* values */
	__u32 reserved2;
	__u64 taint;
};

/* In/out through "type": give id (str is filled) or str with id 0. */
struct prov_type {
	__u64 id;
	__u8 is_relation;
	__u8 reserved[7];
	char str[256];
};

/*
 * Target lists.  Each file takes one structure per write (exact size): op
 * PROV_SET_TRACKED, PROV_SET_PROPAGATE (with TRACKED), PROV_SET_OPAQUE or,
 * for the ipv4 lists, PROV_SET_RECORD (with TRACKED) adds or replaces the
 * entry with the same key; PROV_SET_DELETE removes it.  A read returns
 * every entry as an array of the same structure.  Files: "uid"
 * (struct prov_userinfo), "gid" (struct prov_groupinfo), "ns" (struct
 * prov_nsinfo, keyed by cgroupns), "secctx_filter" (struct prov_secinfo,
 * keyed by the NUL-terminated secctx), "ipv4_ingress" and "ipv4_egress"
 * (struct prov_ipv4_filter, keyed by ip & mask, mask and port).
 */
struct prov_ipv4_filter {
	__u32 ip;		/* network byte order */
	__u32 mask;		/* network byte order */
	__u16 port;		/* network byte order, 0 = any */
	__u8 op;
	__u8 reserved[5];
	__u64 taint;
};

#define PROV_SECCTX_MAX		256

struct prov_secinfo {
	__u32 secid;
	__u32 len;
	__u8 op;
	__u8 reserved[7];
	__u64 taint;
	char secctx[PROV_SECCTX_MAX];
};

struct prov_userinfo {
	__u32 uid;
	__u8 op;
	__u8 reserved[3];
	__u64 taint;
};

struct prov_groupinfo {
	__u32 gid;
	__u8 op;
	__u8 reserved[3];
	__u64 taint;
};

struct prov_nsinfo {
	__u32 utsns;
	__u32 ipcns;
	__u32 mntns;
	__u32 pidns;
	__u32 netns;
	__u32 cgroupns;
	__u8 op;
	__u8 reserved[7];
	__u64 taint;
};

/*
 * The capture state of one object: read from "process" and "file" (after a
 * query written to the same open file) and through the security.provenance
 * extended attribute.  Written as the value of security.provenance, flags
 * (TRACKED, OPAQUE, PROPAGATE) are set exactly as given and taint is ORed
 * in; the identifier is ignored.
 */
struct prov_object_state {
	union prov_identifier identifier;
	__u32 flags;		/* PROV_FLAG_* public bits */
	__u32 reserved;
	__u64 taint;
};

#define PROV_XATTR_NAME		"security.provenance"

/*
 * Written to "file": select a file by an open descriptor of the caller
 * (fd >= 0, path_length 0) or by path (fd = -1, path_length bytes of path
 * follow the structure, no NUL, relative paths from the caller's working
 * directory).  op 0 is a query open to everyone; other op bits act as in
 * struct prov_process_config and need CAP_AUDIT_CONTROL.  A read of the
 * same open file returns the struct prov_object_state of the inode.
 */
struct prov_file_config {
	__s32 fd;
	__u8 op;
	__u8 reserved[3];
	__u32 flags;		/* PROV_FLAG_* values */
	__u32 path_length;
	__u64 taint;
	char path[];
};

/* Entries each target list (uid, gid, ns, secctx, ipv4) can hold. */
#define PROV_TARGETS_MAX	256

/* Read from "policy_hash": SHA-256 of the canonical policy. */
#define PROV_POLICY_HASH_LEN	32

/* Read from "sent": records written to relay so far, a __u64. */

/* Read from "dropped". */
struct prov_dropped {
	__u64 count;		/* records lost: relay full or boot buffer full */
};

/*
 * gate (read-only): why the hooks record or not (docs/design.md, the
 * untracked path).  Bits of @gate: PROV_GATE_STATE_*.
 */
#define PROV_GATE_STATE_ENABLED	0x1	/* capture on */
#define PROV_GATE_STATE_ALL	0x2	/* whole-system */
#define PROV_GATE_STATE_TARGETS	0x4	/* a target list has an entry */
#define PROV_GATE_STATE_TRACKED	0x8	/* a live object is tracked */

struct prov_gate_state {
	__u64 gate;		/* PROV_GATE_STATE_* */
	__u64 tracked;		/* live tracked objects (nodes) */
};

#endif /* _UAPI_LINUX_PROVENANCE_FS_H */
