// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - packet nodes
 *
 * A packet node is identified by its header fields (IPv4 id, addresses,
 * ports, protocol, TCP sequence number; in network byte order), so the
 * sender's send_packet and the receiver's receive_packet name the same
 * node and two machines' graphs can be joined.  It is built on the stack
 * for each packet and written with its edge.  For IPv6 the addresses are
 * folded into 32 bits (the XOR of their four words) and the id is a fold
 * of transport header fields (see prov_packet_ports).
 *
 * Everything here runs in softirq or with bottom halves disabled: no
 * sleeping, no current, only sockets the caller holds.
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "common.h"
#include "label.h"
#include "net.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "relay.h"

static u16 prov_fold16(u32 v)
{
	return (u16)(v ^ (v >> 16));
}

/*
 * Ports and sequence number of a first fragment's TCP or UDP header.  IPv6
 * has no identification field: @v6 puts in id a fold of the fields that
 * differ between packets of one flow (TCP: acknowledgment number, flags,
 * window; UDP: checksum, length), in network byte order like the rest.
 */
static void prov_packet_ports(struct sk_buff *skb, int offset, u8 protocol,
			      struct prov_packet_identifier *id, bool v6)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	struct udphdr _uh;
	const struct udphdr *uh;

	if (protocol == IPPROTO_TCP) {
		th = skb_header_pointer(skb, offset, sizeof(_th), &_th);
		if (!th)
			return;
		id->snd_port = th->source;
		id->rcv_port = th->dest;
		id->seq = th->seq;
		if (v6)
			id->id = htons(prov_fold16(ntohl(th->ack_seq)) ^
				       prov_fold16(ntohl(tcp_flag_word(th))));
	} else if (protocol == IPPROTO_UDP) {
		uh = skb_header_pointer(skb, offset, sizeof(_uh), &_uh);
		if (!uh)
			return;
		id->snd_port = uh->source;
		id->rcv_port = uh->dest;
		if (v6)
			id->id = htons(ntohs(uh->check) ^ ntohs(uh->len));
	}
}

static __be32 prov_fold6(const struct in6_addr *a)
{
	return a->s6_addr32[0] ^ a->s6_addr32[1] ^ a->s6_addr32[2] ^
	       a->s6_addr32[3];
}

/*
 * Fill the identity of a packet node from the headers; the IP length goes
 * to *len.  The IP version, 0 if the network header is not a valid IPv4
 * or IPv6 one.
 */
static int prov_packet_parse(struct sk_buff *skb,
			     struct prov_packet_identifier *id, u32 *len)
{
	int off = skb_network_offset(skb);
	struct ipv6hdr _ip6;
	const struct ipv6hdr *ip6;
	struct iphdr _iph;
	const struct iphdr *iph;

	/* A network header inside the buffer (not one left unset). */
	if (skb_network_header(skb) < skb->head ||
	    skb_network_header(skb) > skb_tail_pointer(skb))
		return 0;
	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph)
		return 0;
	if (iph->version == 4) {
		if (iph->ihl < 5)
			return 0;
		id->id = iph->id;
		id->snd_ip = iph->saddr;
		id->rcv_ip = iph->daddr;
		id->protocol = iph->protocol;
		*len = ntohs(iph->tot_len);
		if (!(iph->frag_off & htons(IP_OFFSET)))
			prov_packet_ports(skb, off + iph->ihl * 4,
					  iph->protocol, id, false);
		return 4;
	}
	if (iph->version != 6)
		return 0;
	ip6 = skb_header_pointer(skb, off, sizeof(_ip6), &_ip6);
	if (!ip6)
		return 0;
	id->snd_ip = prov_fold6(&ip6->saddr);
	id->rcv_ip = prov_fold6(&ip6->daddr);
	id->protocol = ip6->nexthdr;
	*len = ntohs(ip6->payload_len) + sizeof(*ip6);
	prov_packet_ports(skb, off + sizeof(*ip6), ip6->nexthdr, id, true);
	return 6;
}

/* packet_content -> packet: the first bytes from the network header. */
static void prov_packet_content(struct prov_node *packet, struct sk_buff *skb,
				u32 len)
{
	int off = skb_network_offset(skb);
	int avail = (int)skb->len - off;
	struct prov_node *content;
	struct prov_scratch *s;
	unsigned long flags;
	size_t copy;

	if (avail <= 0)
		return;
	copy = min_t(size_t, len, avail);
	copy = min_t(size_t, copy, PROV_PACKET_CONTENT_MAX);
	s = prov_scratch_get(&flags);
	if (!s) {
		prov_drop();
		return;
	}
	if (skb_copy_bits(skb, off, s->path, copy) == 0) {
		content = prov_payload_setup(s, ENT_PCKCNT, 0, s->path, copy,
					     len);
		prov_derives(RL_PCK_CNT, content, packet, NULL);
	}
	prov_scratch_put(s, flags);
}

/*
 * Labels (label.c): on egress a recorded packet node with labels on fills
 * @label with its identity; on ingress a label names the packet node, the
 * sender's.  Either way the packet node's name_id holds the sender's boot
 * and machine ids (name_id.node.boot_id, .machine_id; type and id zero),
 * so both hosts write the same node.  True if the packet was recorded with
 * (egress: for) the label.
 */
bool prov_packet_record_label(struct prov_node *sock, struct sk_buff *skb,
			      bool ingress, struct prov_label *label)
{
	struct prov_packet_identifier *id;
	struct prov_node packet;
	u32 len = 0, f;
	int version;
	u8 op = 0;

	if (!sock || prov_is_opaque(sock))
		return false;
	prov_node_reset(&packet, PROV_CLASS_TRANSIENT, NULL);
	prov_record_init(&packet.rec, PROV_KIND_PACKET,
			 sizeof(struct prov_packet_record));
	id = &packet.rec.c.elt.identifier.packet;
	id->type = ENT_PACKET;
	version = prov_packet_parse(skb, id, &len);
	if (!version)
		return false;
	packet.rec.packet.len = len;
	/*
	 * The ipv4 lists: ingress matches the local end (where the packet
	 * goes), egress the remote end (also where the packet goes).
	 */
	if (version == 4)
		op = prov_target_ipv4(ingress, id->rcv_ip, id->rcv_port);
	prov_socket_apply_op(sock, NULL, op);
	f = prov_flags(sock) & (PROV_FLAG_TRACKED | PROV_FLAG_RECORD_PACKET);
	packet.rec.c.elt.flags = f;
	packet.live = 1;
	if (!prov_all() && !(f & PROV_FLAG_TRACKED))
		return false;
	if (label && version == 4 && (ingress || prov_label())) {
		if (ingress) {
			memcpy(prov_label_ident_of(&packet.rec.c.elt.identifier),
			       label->ident, PROV_LABEL_IDENT);
		} else {
			memcpy(label->ident,
			       prov_label_ident_of(&packet.rec.c.elt.identifier),
			       PROV_LABEL_IDENT);
			label->machine_id = prov_machine_id();
			label->boot_id = prov_boot_id();
		}
		packet.rec.c.node.name_id.node.boot_id = label->boot_id;
		packet.rec.c.node.name_id.node.machine_id = label->machine_id;
	} else {
		label = NULL;
	}
	if (!ingress)
		prov_derives(RL_SND_PACKET, sock, &packet, NULL);
	if (f & PROV_FLAG_RECORD_PACKET)
		prov_packet_content(&packet, skb, len);
	if (ingress)
		prov_derives(RL_RCV_PACKET, &packet, sock, NULL);
	return label;
}

void prov_packet_record(struct prov_node *sock, struct sk_buff *skb,
			bool ingress)
{
	prov_packet_record_label(sock, skb, ingress, NULL);
}
