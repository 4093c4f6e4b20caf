/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - in-band packet labels (IPv4 option, docs/abi.md)
 */

#ifndef _SECURITY_PROVENANCE_LABEL_H
#define _SECURITY_PROVENANCE_LABEL_H

#include <linux/fs.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "node.h"

/*
 * IPv4 option type 158 (0x9e): copied flag set (every fragment carries it),
 * class 0, number 30, the RFC 4727 value for RFC 3692-style experiments.
 */
#define PROV_LABEL_OPTION	0x9e
/* Whole option: type, length, format, zero, 32 bytes of label. */
#define PROV_LABEL_OPTLEN	36
#define PROV_LABEL_FORMAT	1

/* Bytes 8-31 of a packet identifier: everything after the type. */
#define PROV_LABEL_IDENT	24

/*
 * What a label says: the sender's machine and boot ids and the identity
 * of the packet node it recorded (send_packet).  Ids in host order here,
 * big endian on the wire; the identity bytes are copied verbatim.
 */
struct prov_label {
	u32 machine_id;
	u32 boot_id;
	u8 ident[PROV_LABEL_IDENT];
};

/* The identity bytes of a packet identifier (after its type). */
static inline u8 *prov_label_ident_of(union prov_identifier *id)
{
	return (u8 *)id + sizeof(id->packet.type);
}

/* Insert @label into the IPv4 packet @skb at LOCAL_OUT (softirq safe). */
void prov_label_insert(struct sk_buff *skb, const struct prov_label *label);

/*
 * A packet reaches the socket node @sock: receive_packet from the
 * sender's packet node if the packet carried a label, else from the
 * header-based packet node.  Caller holds the socket as for
 * prov_packet_record.
 */
void prov_label_received(struct prov_node *sock, struct sk_buff *skb);

/* securityfs label_stats (0444): the counters, one "name value" a line. */
extern const struct file_operations prov_label_stats_fops;

/*
 * packet.c: record the packet; @label (may be NULL) is filled on egress
 * when the packet node was recorded and labels are on (returns true), and
 * gives the identity of the packet node on ingress.
 */
bool prov_packet_record_label(struct prov_node *sock, struct sk_buff *skb,
			      bool ingress, struct prov_label *label);

#endif /* _SECURITY_PROVENANCE_LABEL_H */
