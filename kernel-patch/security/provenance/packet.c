// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - packet nodes
 *
 * A packet node is identified by its header fields (IPv4 id, addresses,
 * ports, protocol, TCP sequence number; in network byte order) and a
 * digest of the fields that differ between packets of one flow (TCP
 * acknowledgment number, window, timestamps, first payload bytes; see
 * prov_packet_ports), so the sender's send_packet and the receiver's
 * receive_packet name the same node, two machines' graphs can be joined,
 * and two packets of one socket do not share a node (which would close a
 * false cycle).  It is built on the stack for each packet and written
 * with its edge.  For IPv6 the addresses are folded into 32 bits (the XOR
 * of their four words) and the id is more digest.
 *
 * Everything here runs in softirq or with bottom halves disabled: no
 * sleeping, no current, only sockets the caller holds.
 *
 * Economy rule 7 (docs/design.md): a packet from one socket of this host
 * to another (loopback) is written once.  Each CPU remembers the last
 * packet nodes it wrote at LOCAL_OUT; loopback delivers a packet on the
 * CPU that sent it, and its receive_packet edge then comes from the node
 * already written instead of writing it a second time.
 */

#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "common.h"
#include "label.h"
#include "net.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "relay.h"

/*
 * The digest tells apart packets with the same tuple.  It is computed from
 * what the sender sees at LOCAL_OUT and the receiver at sock_rcv_skb alike,
 * also on another machine: no checksum (partial at LOCAL_OUT), no length
 * (GSO and GRO change it), no PSH/FIN/CWR once there is payload (GSO clears
 * them on all but one segment, GRO ORs them in).  Words are in host order
 * so that the hash does not depend on the byte order of the machine.
 */
#define PROV_DIGEST_WORDS	10
#define PROV_DIGEST_PAYLOAD	16	/* first payload bytes hashed */
#define PROV_DIGEST_SEED	0x70726f76

struct prov_digest {
	u32 w[PROV_DIGEST_WORDS];
	unsigned int n;
};

#define PROV_SENT_PACKETS	8	/* packet nodes each CPU remembers */

struct prov_sent_packet {
	union prov_identifier id;
	union prov_identifier name_id;	/* sender's boot and machine (label) */
	u32 len;
	u32 epoch;
};

struct prov_sent_packets {
	struct prov_sent_packet slot[PROV_SENT_PACKETS];
	unsigned int next;
};

static DEFINE_PER_CPU(struct prov_sent_packets, prov_sent_packets);

static bool prov_same_packet(const struct prov_sent_packet *s,
			     const struct prov_packet_record *p, u32 epoch)
{
	return s->epoch == epoch && s->len == p->len &&
	       !memcmp(&s->id, &p->elt.identifier, sizeof(s->id)) &&
	       !memcmp(&s->name_id, &p->node.name_id, sizeof(s->name_id));
}

/* The packet node @p was written on its way out of this CPU. */
static void prov_remember_sent(const struct prov_packet_record *p, u32 epoch)
{
	struct prov_sent_packets *sent = this_cpu_ptr(&prov_sent_packets);
	struct prov_sent_packet *s = &sent->slot[sent->next];

	sent->next = (sent->next + 1) % PROV_SENT_PACKETS;
	s->id = p->elt.identifier;
	s->name_id = p->node.name_id;
	s->len = p->len;
	s->epoch = epoch;
}

/* True if this CPU wrote the packet node @p at LOCAL_OUT in @epoch. */
static bool prov_was_sent_here(const struct prov_packet_record *p, u32 epoch)
{
	struct prov_sent_packets *sent = this_cpu_ptr(&prov_sent_packets);
	int i;

	for (i = 0; i < PROV_SENT_PACKETS; i++)
		if (prov_same_packet(&sent->slot[i], p, epoch))
			return true;
	return false;
}

/* A big-endian 32-bit word at any alignment. */
static u32 prov_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void prov_digest_add(struct prov_digest *d, u32 v)
{
	if (d->n < PROV_DIGEST_WORDS)
		d->w[d->n++] = v;
}

/* The first payload bytes (zero padded) and how many there are. */
static void prov_digest_payload(struct prov_digest *d, struct sk_buff *skb,
				int offset, int payload)
{
	u8 buf[PROV_DIGEST_PAYLOAD] = { 0 };
	const u8 *p;
	int n = clamp(payload, 0, PROV_DIGEST_PAYLOAD), i;

	if (n) {
		p = skb_header_pointer(skb, offset, n, buf);
		if (!p)
			n = 0;
		else if (p != buf)
			memcpy(buf, p, n);
	}
	prov_digest_add(d, n);
	for (i = 0; i < PROV_DIGEST_PAYLOAD; i += 4)
		prov_digest_add(d, prov_be32(buf + i));
}

/* TSval and TSecr of the TCP timestamp option, zero if absent. */
static void prov_digest_timestamps(struct prov_digest *d, struct sk_buff *skb,
				   int offset, const struct tcphdr *th)
{
	u8 _opt[MAX_TCP_OPTION_SPACE];
	int len = th->doff * 4 - (int)sizeof(*th), i = 0;
	const u8 *opt;
	u32 tsval = 0, tsecr = 0;

	if (len <= 0 || len > MAX_TCP_OPTION_SPACE)
		goto out;
	opt = skb_header_pointer(skb, offset + sizeof(*th), len, _opt);
	if (!opt)
		goto out;
	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break;
		if (opt[i] == TCPOPT_TIMESTAMP &&
		    opt[i + 1] == TCPOLEN_TIMESTAMP) {
			tsval = prov_be32(opt + i + 2);
			tsecr = prov_be32(opt + i + 6);
			break;
		}
		i += opt[i + 1];
	}
out:
	prov_digest_add(d, tsval);
	prov_digest_add(d, tsecr);
}

/*
 * Ports and sequence number of a first fragment's TCP or UDP header, and
 * the digest of the fields that differ between packets of one flow: TCP
 * acknowledgment number, window, timestamps, the SYN/RST/FIN/ACK flags of
 * a packet without payload; UDP length; for both the first payload bytes.
 * @ip_payload is the length of what follows the IP header(s).
 */
static void prov_packet_ports(struct sk_buff *skb, int offset, u8 protocol,
			      int ip_payload, struct prov_packet_identifier *id,
			      struct prov_digest *d)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	struct udphdr _uh;
	const struct udphdr *uh;
	int payload;

	if (protocol == IPPROTO_TCP) {
		th = skb_header_pointer(skb, offset, sizeof(_th), &_th);
		if (!th)
			return;
		id->snd_port = th->source;
		id->rcv_port = th->dest;
		id->seq = th->seq;
		payload = ip_payload - th->doff * 4;
		prov_digest_add(d, ntohl(th->ack_seq));
		prov_digest_add(d, ntohs(th->window));
		prov_digest_add(d, payload > 0 ? 0 :
				(ntohl(tcp_flag_word(th)) >> 16) & 0x17);
		prov_digest_timestamps(d, skb, offset, th);
		prov_digest_payload(d, skb, offset + th->doff * 4, payload);
	} else if (protocol == IPPROTO_UDP) {
		uh = skb_header_pointer(skb, offset, sizeof(_uh), &_uh);
		if (!uh)
			return;
		id->snd_port = uh->source;
		id->rcv_port = uh->dest;
		prov_digest_add(d, ntohs(uh->len));
		prov_digest_payload(d, skb, offset + sizeof(*uh),
				    ip_payload - (int)sizeof(*uh));
	}
}

/*
 * The digest goes to the two reserved fields (40 bits) and, for IPv6,
 * which has no identification field, to id too (56 bits).
 */
static void prov_digest_store(const struct prov_digest *d,
			      struct prov_packet_identifier *id, bool v6)
{
	u32 h1 = jhash2(d->w, d->n, PROV_DIGEST_SEED);
	u32 h2 = jhash2(d->w, d->n, h1);

	id->digest = htons(h1 >> 16);
	id->digest_ext[0] = (h1 >> 8) & 0xff;
	id->digest_ext[1] = h1 & 0xff;
	id->digest_ext[2] = (h2 >> 16) & 0xff;
	if (v6)
		id->id = htons(h2 & 0xffff);
}

static __be32 prov_fold6(const struct in6_addr *a)
{
	return a->s6_addr32[0] ^ a->s6_addr32[1] ^ a->s6_addr32[2] ^
	       a->s6_addr32[3];
}

/*
 * Length of the IP payload, from the header; from the buffer when the
 * header leaves it 0 (BIG TCP).
 */
static int prov_ip_payload(struct sk_buff *skb, int off, int hdr, u32 len)
{
	if (len)
		return (int)len - hdr;
	return (int)skb->len - off - hdr;
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
	struct prov_digest d = { .n = 0 };
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
					  iph->protocol,
					  prov_ip_payload(skb, off,
							  iph->ihl * 4, *len),
					  id, &d);
		prov_digest_store(&d, id, false);
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
	prov_packet_ports(skb, off + sizeof(*ip6), ip6->nexthdr,
			  prov_ip_payload(skb, off, 0,
					  ntohs(ip6->payload_len)),
			  id, &d);
	prov_digest_store(&d, id, true);
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
	u32 len = 0, f, epoch;
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
	epoch = prov_current_epoch();
	if (!ingress) {
		prov_derives(RL_SND_PACKET, sock, &packet, NULL);
		if (packet.recorded_epoch == epoch && prov_economy())
			prov_remember_sent(&packet.rec.packet, epoch);
	} else if (prov_economy() && prov_was_sent_here(&packet.rec.packet, epoch)) {
		/* loopback: the node written at LOCAL_OUT, not again */
		packet.recorded_epoch = epoch;
	}
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
