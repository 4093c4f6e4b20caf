// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - netfilter: packets leaving a socket
 *
 * One hook per network namespace for IPv4 and one for IPv6 at LOCAL_OUT,
 * last priority (after mangling and DNAT): a packet sent by a full socket
 * of a user process records send_packet socket -> packet.  Packets of
 * request and timewait sockets (SYN-ACK, RST), of kernel sockets and
 * without a socket are not recorded.  The hook may run in softirq
 * (retransmissions, ACKs): it never sleeps, never reads current and only
 * uses the socket under its callback lock, so it cannot see it orphaned.
 *
 * Packets reaching a socket are recorded by socket_sock_rcv_skb
 * (socket.c), where the receiving socket is known.  The hooks are
 * registered only if the LSM was initialised: a kernel booted without it
 * in its lsm= list touches no packet.  They always accept the packet.
 */

#include <linux/init.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "common.h"
#include "label.h"
#include "net.h"
#include "node.h"
#include "policy.h"
#include "setup.h"

static unsigned int prov_nf_local_out(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct sock *sk = skb ? skb->sk : NULL;
	struct prov_label label;
	struct prov_node *n;
	bool labelled = false;

	if (!prov_gate_open())
		return NF_ACCEPT;
	if (!sk || !prov_enabled() || !sk_fullsock(sk))
		return NF_ACCEPT;
	read_lock_bh(&sk->sk_callback_lock);
	n = prov_sk_node_locked(sk);
	if (n)
		labelled = prov_packet_record_label(n, skb, false, &label);
	read_unlock_bh(&sk->sk_callback_lock);
	/* Labels (label.c): IPv4 only, after the packet node was recorded. */
	if (labelled && state->pf == NFPROTO_IPV4)
		prov_label_insert(skb, &label);
	return NF_ACCEPT;
}

static const struct nf_hook_ops prov_nf_ops[] = {
	{
		.hook = prov_nf_local_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = prov_nf_local_out,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST,
	},
#endif
};

static int __net_init prov_nf_register(struct net *net)
{
	return nf_register_net_hooks(net, prov_nf_ops, ARRAY_SIZE(prov_nf_ops));
}

static void __net_exit prov_nf_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, prov_nf_ops, ARRAY_SIZE(prov_nf_ops));
}

static struct pernet_operations prov_nf_net_ops = {
	.init = prov_nf_register,
	.exit = prov_nf_unregister,
};

static int __init prov_nf_init(void)
{
	int rc;

	if (!prov_initialized)
		return 0;
	rc = register_pernet_subsys(&prov_nf_net_ops);
	if (rc)
		pr_err("cannot register the netfilter hooks: %d\n", rc);
	else
		pr_info("netfilter hooks registered\n");
	return 0;
}

device_initcall(prov_nf_init);
