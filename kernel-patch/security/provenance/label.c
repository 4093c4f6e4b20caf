// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - in-band packet labels
 *
 * With the securityfs file "label" on, an IPv4 packet whose packet node was
 * recorded (send_packet, netfilter.c) carries a 36-byte IPv4 option: the
 * sender's machine id, boot id and the identity of that packet node
 * (docs/abi.md).  A receiving host with the LSM strips the option at
 * PRE_ROUTING, before anything else sees the packet, and links its socket
 * from the sender's packet node (receive_packet), so two hosts' graphs join
 * at exactly that node.  Hosts without the LSM ignore the option: IPv4
 * accepts unknown options on received packets (ip_options_compile checks
 * CAP_NET_RAW only for options set by a local socket), and inet_gro_receive
 * only declines to merge such packets.
 *
 * Egress (prov_label_insert, LOCAL_OUT, after the packet was recorded):
 * only packets without options (ihl 5), not fragments, whose every wire
 * packet (each GSO segment) still fits the path MTU with the option when
 * DF is set; anything else goes out unchanged and is counted.  The option
 * is inserted between the IP header and the transport header: the
 * transport checksum does not cover IP options, the IP checksum is
 * recomputed, and segmentation (inet_gso_segment) and fragmentation
 * (ip_do_fragment; the copied flag keeps it in every fragment) copy the
 * whole IP header.  Packets of sockets that are not recorded never carry
 * it: untracked traffic is byte-for-byte what it is without the LSM.
 *
 * Ingress (PRE_ROUTING, first priority, before defragmentation and before
 * the IP options are parsed): the option is cut out (the link and IP
 * headers move up by 36 bytes, ihl, tot_len and the IP checksum are fixed;
 * a complete checksum stays valid since a valid IP header sums to zero).
 * There is no security blob on an skb and skb->cb belongs to the layers,
 * so the label is kept in the 36 bytes of headroom the move freed, just in
 * front of the link-layer header, sealed with a keyed hash (a random
 * per-boot key) of the label and the IP id, source address and protocol.
 * The headroom moves with the data (pskb_expand_head copies it, clones
 * share it), so socket_sock_rcv_skb finds it in front of the link-layer
 * header again; a stale or foreign pattern fails the seal and the packet
 * is recorded from its header as without labels.
 *
 * Everything here may run in softirq: no sleeping, no current, GFP_ATOMIC.
 * The hooks exist only if the LSM was initialised.
 */

#include <linux/init.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/net_namespace.h>

#include "common.h"
#include "compat.h"
#include "label.h"
#include "net.h"
#include "policy.h"
#include "setup.h"

/* What the ingress hook leaves in the headroom: the label and its seal. */
struct prov_label_kept {
	struct prov_label label;
	u32 seal;
};

static_assert(sizeof(struct prov_label_kept) == PROV_LABEL_OPTLEN);

/* What the seal covers. */
struct prov_label_sealed {
	struct prov_label label;
	__be32 saddr;
	__be16 id;
	u8 protocol;
	u8 zero;
};

enum prov_label_counter {
	PROV_LABEL_SENT,	/* packets that left with a label */
	PROV_LABEL_SKIP_OPTIONS,	/* had IP options already */
	PROV_LABEL_SKIP_FRAGMENT,	/* already a fragment */
	PROV_LABEL_SKIP_MTU,	/* DF packet would exceed the path MTU */
	PROV_LABEL_SKIP_NOMEM,	/* no headroom could be made */
	PROV_LABEL_STRIPPED,	/* labels cut out of received packets */
	PROV_LABEL_LINKED,	/* receive_packet from a label */
	PROV_LABEL_COUNTERS,
};

static const char *const prov_label_counter_names[PROV_LABEL_COUNTERS] = {
	"sent", "skipped_options", "skipped_fragment", "skipped_mtu",
	"skipped_nomem", "stripped", "linked",
};

static atomic_long_t prov_label_counters[PROV_LABEL_COUNTERS];
static hsiphash_key_t prov_label_key __ro_after_init;

static void prov_label_count(enum prov_label_counter c)
{
	atomic_long_inc(&prov_label_counters[c]);
}

static u32 prov_label_seal(const struct prov_label *label,
			   const struct iphdr *iph)
{
	struct prov_label_sealed s = {
		.label = *label,
		.saddr = iph->saddr,
		.id = iph->id,
		.protocol = iph->protocol,
	};

	return hsiphash(&s, sizeof(s), &prov_label_key);
}

/* Big-endian 32-bit fields at any alignment. */
static void prov_label_put32(u8 *p, u32 v)
{
	__be32 be = htonl(v);

	memcpy(p, &be, sizeof(be));
}

static u32 prov_label_get32(const u8 *p)
{
	__be32 be;

	memcpy(&be, p, sizeof(be));
	return ntohl(be);
}

/* Would a DF packet (or a GSO segment of it) exceed the MTU with a label? */
static bool prov_label_too_big(struct sk_buff *skb, const struct iphdr *iph)
{
	unsigned int mtu = ip_skb_dst_mtu(skb->sk, skb);

	if (skb->len + PROV_LABEL_OPTLEN > IP_MAX_MTU ||
	    mtu <= PROV_LABEL_OPTLEN)
		return true;
	if (skb_is_gso(skb))
		return !skb_gso_validate_network_len(skb,
						     mtu - PROV_LABEL_OPTLEN);
	return (iph->frag_off & htons(IP_DF)) &&
	       skb->len + PROV_LABEL_OPTLEN > mtu;
}

void prov_label_insert(struct sk_buff *skb, const struct prov_label *label)
{
	struct iphdr *iph;
	u8 *opt;

	if (skb_network_offset(skb) != 0 || !skb_dst(skb))
		return;
	iph = ip_hdr(skb);
	if (iph->version != 4)
		return;
	if (iph->ihl != 5) {
		prov_label_count(PROV_LABEL_SKIP_OPTIONS);
		return;
	}
	if (ip_is_fragment(iph)) {
		prov_label_count(PROV_LABEL_SKIP_FRAGMENT);
		return;
	}
	if (prov_label_too_big(skb, iph)) {
		prov_label_count(PROV_LABEL_SKIP_MTU);
		return;
	}
	/* Private, writable header with room in front (may reallocate). */
	if (skb_cow_head(skb, PROV_LABEL_OPTLEN)) {
		prov_label_count(PROV_LABEL_SKIP_NOMEM);
		return;
	}
	__skb_push(skb, PROV_LABEL_OPTLEN);
	memmove(skb->data, skb->data + PROV_LABEL_OPTLEN, sizeof(*iph));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	opt = (u8 *)(iph + 1);
	opt[0] = PROV_LABEL_OPTION;
	opt[1] = PROV_LABEL_OPTLEN;
	opt[2] = PROV_LABEL_FORMAT;
	opt[3] = 0;
	prov_label_put32(opt + 4, label->machine_id);
	prov_label_put32(opt + 8, label->boot_id);
	memcpy(opt + 12, label->ident, PROV_LABEL_IDENT);
	iph->ihl += PROV_LABEL_OPTLEN / 4;
	iph->tot_len = htons(ntohs(iph->tot_len) + PROV_LABEL_OPTLEN);
	ip_send_check(iph);
	prov_label_count(PROV_LABEL_SENT);
}

/* Offset of our option in the IP header @iph, or 0. */
static unsigned int prov_label_find(const struct iphdr *iph)
{
	const u8 *p = (const u8 *)iph;
	unsigned int end = iph->ihl * 4, off = sizeof(*iph), len;

	while (off < end) {
		if (p[off] == IPOPT_END)
			return 0;
		if (p[off] == IPOPT_NOOP) {
			off++;
			continue;
		}
		if (off + 1 >= end)
			return 0;
		len = p[off + 1];
		if (len < 2 || off + len > end)
			return 0;
		if (p[off] == PROV_LABEL_OPTION && len == PROV_LABEL_OPTLEN &&
		    p[off + 2] == PROV_LABEL_FORMAT)
			return off;
		off += len;
	}
	return 0;
}

/* Where the kept label lies: just in front of the link-layer header. */
static u8 *prov_label_front(struct sk_buff *skb)
{
	if (skb_mac_header_was_set(skb))
		return skb_mac_header(skb);
	return skb_network_header(skb);
}

static unsigned int prov_label_strip(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct prov_label_kept kept;
	unsigned int off;
	struct iphdr *iph;
	u8 *front, *opt;

	if (skb_network_offset(skb) != 0)
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	if (iph->ihl == 5)
		return NF_ACCEPT;
	off = prov_label_find(iph);
	if (!off)
		return NF_ACCEPT;
	/* Headers shared with a clone (a packet tap): make them private. */
	if (skb_cloned(skb) && pskb_expand_head(skb, 0, 0, GFP_ATOMIC))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	front = prov_label_front(skb);
	if (front < skb->head || front > skb_network_header(skb))
		return NF_ACCEPT;
	opt = (u8 *)iph + off;
	kept.label.machine_id = prov_label_get32(opt + 4);
	kept.label.boot_id = prov_label_get32(opt + 8);
	memcpy(kept.label.ident, opt + 12, PROV_LABEL_IDENT);

	/* Move the link-layer header and the IP header up to the transport. */
	memmove(front + PROV_LABEL_OPTLEN, front,
		skb_network_header(skb) - front + off);
	if (skb_mac_header_was_set(skb))
		skb->mac_header += PROV_LABEL_OPTLEN;
	skb->network_header += PROV_LABEL_OPTLEN;
	__skb_pull(skb, PROV_LABEL_OPTLEN);
	iph = ip_hdr(skb);
	iph->ihl -= PROV_LABEL_OPTLEN / 4;
	iph->tot_len = htons(ntohs(iph->tot_len) - PROV_LABEL_OPTLEN);
	ip_send_check(iph);

	kept.seal = prov_label_seal(&kept.label, iph);
	memcpy(front, &kept, sizeof(kept));
	prov_label_count(PROV_LABEL_STRIPPED);
	return NF_ACCEPT;
}

/* The label the ingress hook kept for @skb, if its seal holds. */
static bool prov_label_kept(struct sk_buff *skb, struct prov_label *label)
{
	struct prov_label_kept kept;
	const struct iphdr *iph;
	u8 *front;

	if (skb->protocol != htons(ETH_P_IP))
		return false;
	if (skb_network_header(skb) < skb->head ||
	    skb_network_header(skb) + sizeof(*iph) > skb_tail_pointer(skb))
		return false;
	iph = ip_hdr(skb);
	if (iph->version != 4)
		return false;
	front = prov_label_front(skb);
	if (front > skb_network_header(skb) ||
	    front - skb->head < PROV_LABEL_OPTLEN)
		return false;
	memcpy(&kept, front - PROV_LABEL_OPTLEN, sizeof(kept));
	if (kept.seal != prov_label_seal(&kept.label, iph))
		return false;
	*label = kept.label;
	return true;
}

void prov_label_received(struct prov_node *sock, struct sk_buff *skb)
{
	struct prov_label label;

	if (!prov_label_kept(skb, &label)) {
		prov_packet_record_label(sock, skb, true, NULL);
		return;
	}
	if (prov_packet_record_label(sock, skb, true, &label))
		prov_label_count(PROV_LABEL_LINKED);
}

static ssize_t prov_label_stats_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	char s[256];
	int i, n = 0;

	for (i = 0; i < PROV_LABEL_COUNTERS; i++)
		n += scnprintf(s + n, sizeof(s) - n, "%s %ld\n",
			       prov_label_counter_names[i],
			       atomic_long_read(&prov_label_counters[i]));
	return simple_read_from_buffer(buf, count, ppos, s, n);
}

const struct file_operations prov_label_stats_fops = {
	.read = prov_label_stats_read,
	.llseek = generic_file_llseek,
};

#if IS_ENABLED(CONFIG_NETFILTER)
static const struct nf_hook_ops prov_label_ops[] = {
	{
		.hook = prov_label_strip,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_FIRST,
	},
};

static int __net_init prov_label_register(struct net *net)
{
	return nf_register_net_hooks(net, prov_label_ops,
				     ARRAY_SIZE(prov_label_ops));
}

static void __net_exit prov_label_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, prov_label_ops,
				ARRAY_SIZE(prov_label_ops));
}

static struct pernet_operations prov_label_net_ops = {
	.init = prov_label_register,
	.exit = prov_label_unregister,
};

static int __init prov_label_init(void)
{
	int rc;

	if (!prov_initialized)
		return 0;
	get_random_bytes(&prov_label_key, sizeof(prov_label_key));
	rc = register_pernet_subsys(&prov_label_net_ops);
	if (rc)
		pr_err("cannot register the label hook: %d\n", rc);
	else
		pr_info("label hook registered\n");
	return 0;
}

device_initcall(prov_label_init);
#endif /* CONFIG_NETFILTER */
