// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - sockets: create, bind, connect, listen, accept, send,
 * receive, shutdown, and packets reaching a socket
 *
 * A socket is the node of its socket inode.  The process that acts on it
 * generates (create, bind, connect, listen, send, shutdown) or uses
 * (accept, receive) that node, as for files; bind and connect also link
 * an address node (the raw sockaddr) to the socket.  Kernel sockets are
 * not recorded.  docs/graph-model.md lists every edge.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/lsm_hooks.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/sock.h>

#include "common.h"
#include "label.h"
#include "net.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "relay.h"
#include "setup.h"

struct prov_node *prov_socket_node(struct socket *sock)
{
	if (!sock)
		return NULL;
	return prov_inode_get(SOCK_INODE(sock));
}

struct prov_node *prov_sk_node_locked(struct sock *sk)
{
	struct socket *sock;

	if (!sk || !sk_fullsock(sk) || sk->sk_kern_sock)
		return NULL;
	sock = READ_ONCE(sk->sk_socket);
	return sock ? prov_inode_node(SOCK_INODE(sock)) : NULL;
}

void prov_socket_apply_op(struct prov_node *sock, struct prov_node *proc,
			  u8 op)
{
	u32 f = 0;

	if (op & PROV_SET_TRACKED)
		f |= PROV_FLAG_TRACKED;
	if (op & PROV_SET_PROPAGATE)
		f |= PROV_FLAG_TRACKED | PROV_FLAG_PROPAGATE;
	if (op & PROV_SET_RECORD)
		f |= PROV_FLAG_TRACKED;
	if (!f)
		return;
	if (proc && (prov_flags(proc) & f) != f)
		prov_set_flags(proc, f, 0);
	if (op & PROV_SET_RECORD)
		f |= PROV_FLAG_RECORD_PACKET;
	if (sock && (prov_flags(sock) & f) != f)
		prov_set_flags(sock, f, 0);
}

/* The socket of a hook called by current, with current's nodes. */
static struct prov_node *prov_socket_ctx(struct socket *sock,
					 struct prov_ctx *ctx)
{
	if (!sock || !sock->sk || sock->sk->sk_kern_sock)
		return NULL;
	if (!prov_ctx_current(ctx, true) || prov_is_opaque(ctx->proc))
		return NULL;
	return prov_socket_node(sock);
}

/* A tracked process tracks the sockets it makes. */
static void prov_socket_inherit(struct prov_node *n, struct prov_ctx *ctx)
{
	if ((prov_is_tracked(ctx->proc) || prov_is_tracked(ctx->task)) &&
	    !prov_is_opaque(n) && !prov_is_tracked(n))
		prov_set_flags(n, PROV_FLAG_TRACKED, 0);
}

static int prov_socket_post_create(struct socket *sock, int family, int type,
				   int protocol, int kern)
{
	struct prov_edge edge = { .flags = family };
	struct prov_node *n;
	struct prov_ctx ctx;

	/* Gate closed: only the opaque mark, kept for later (see below). */
	if (!prov_gate_open()) {
		if (!kern && sock && prov_is_opaque_cred(current_cred()))
			prov_inode_mark_opaque(SOCK_INODE(sock));
		return 0;
	}
	if (kern || !sock || !sock->sk || !prov_ctx_current(&ctx, true))
		return 0;
	n = prov_socket_node(sock);
	if (!n)
		return 0;
	/*
	 * The sockets of an opaque process (the recorder sending to MQTT)
	 * are opaque: their packets are never recorded either.
	 */
	if (prov_is_opaque(ctx.proc)) {
		prov_set_flags(n, PROV_FLAG_OPAQUE, 0);
		return 0;
	}
	prov_socket_inherit(n, &ctx);
	prov_generates(RL_SOCKET_CREATE, ctx.proc, ctx.task, n, &edge);
	return 0;
}

static int prov_socket_socketpair(struct socket *a, struct socket *b)
{
	struct prov_node *na, *nb;
	struct prov_ctx ctx;

	if (!prov_gate_open()) {
		if (prov_is_opaque_cred(current_cred())) {
			prov_inode_mark_opaque(SOCK_INODE(a));
			prov_inode_mark_opaque(SOCK_INODE(b));
		}
		return 0;
	}
	if (!prov_ctx_current(&ctx, true))
		return 0;
	na = prov_socket_node(a);
	nb = prov_socket_node(b);
	if (!na || !nb)
		return 0;
	if (prov_is_opaque(ctx.proc)) {
		prov_set_flags(na, PROV_FLAG_OPAQUE, 0);
		prov_set_flags(nb, PROV_FLAG_OPAQUE, 0);
		return 0;
	}
	prov_socket_inherit(na, &ctx);
	prov_socket_inherit(nb, &ctx);
	prov_generates(RL_SOCKET_PAIR_CREATE, ctx.proc, ctx.task, na, NULL);
	prov_generates(RL_SOCKET_PAIR_CREATE, ctx.proc, ctx.task, nb, NULL);
	return 0;
}

/* The ipv4 list entry for an AF_INET address (0 for anything else). */
static u8 prov_address_op(bool ingress, const struct sockaddr *address,
			  int addrlen)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)address;

	if (addrlen < (int)sizeof(*in) || address->sa_family != AF_INET)
		return 0;
	return prov_target_ipv4(ingress, in->sin_addr.s_addr, in->sin_port);
}

/*
 * An address node (the raw sockaddr; its id is a hash of the bytes, so a
 * UNIX path bound by one socket and connected to by another is one node)
 * addressed -> socket.
 */
static void prov_socket_address(struct prov_node *n,
				const struct sockaddr *address, int addrlen)
{
	struct prov_node *addr;
	struct prov_scratch *s;
	unsigned long flags;
	size_t len;

	if (addrlen <= 0)
		return;
	len = min_t(size_t, addrlen, sizeof(struct sockaddr_storage));
	s = prov_scratch_get(&flags);
	if (!s) {
		prov_drop();
		return;
	}
	addr = prov_payload_setup(s, ENT_ADDR,
				  prov_hash((const char *)address, len),
				  address, len, addrlen);
	prov_derives(RL_ADDRESSED, addr, n, NULL);
	prov_scratch_put(s, flags);
}

static void prov_socket_addressed(u64 type, bool ingress, struct socket *sock,
				  struct sockaddr *address, int addrlen)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	n = prov_socket_ctx(sock, &ctx);
	if (!n || !address)
		return;
	prov_socket_apply_op(n, ctx.proc,
			     prov_address_op(ingress, address, addrlen));
	prov_socket_inherit(n, &ctx);
	prov_generates(type, ctx.proc, ctx.task, n, NULL);
	prov_socket_address(n, address, addrlen);
}

static int prov_socket_bind(struct socket *sock, struct sockaddr *address,
			    int addrlen)
{
	if (!prov_gate_open())
		return 0;
	prov_socket_addressed(RL_BIND, true, sock, address, addrlen);
	return 0;
}

static int prov_socket_connect(struct socket *sock, struct sockaddr *address,
			       int addrlen)
{
	if (!prov_gate_open())
		return 0;
	prov_socket_addressed(RL_CONNECT, false, sock, address, addrlen);
	return 0;
}

static int prov_socket_listen(struct socket *sock, int backlog)
{
	struct prov_edge edge = { .flags = backlog };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	n = prov_socket_ctx(sock, &ctx);
	if (n)
		prov_generates(RL_LISTEN, ctx.proc, ctx.task, n, &edge);
	return 0;
}

/*
 * The new socket comes from the listening one (accept_socket) and the
 * process uses it (accept).  A tracked listener tracks its connections.
 */
static int prov_socket_accept(struct socket *sock, struct socket *newsock)
{
	struct prov_node *n, *nn;
	unsigned long flags;
	struct prov_ctx ctx;
	u32 f;

	if (!prov_gate_open()) {
		n = sock ? prov_inode_node(SOCK_INODE(sock)) : NULL;
		if (prov_is_opaque_cred(current_cred()) ||
		    (n && prov_is_opaque(n)))
			prov_inode_mark_opaque(SOCK_INODE(newsock));
		return 0;
	}
	if (!sock || !sock->sk || !prov_ctx_current(&ctx, true))
		return 0;
	n = prov_socket_node(sock);
	nn = prov_socket_node(newsock);
	if (!n || !nn)
		return 0;
	if (prov_is_opaque(ctx.proc) || prov_is_opaque(n)) {
		prov_set_flags(nn, PROV_FLAG_OPAQUE, 0);
		return 0;
	}
	f = prov_flags(n) & (PROV_FLAG_TRACKED | PROV_FLAG_RECORD_PACKET);
	if (f && !prov_is_opaque(nn) && (prov_flags(nn) & f) != f)
		prov_set_flags(nn, f, 0);
	prov_derives(RL_ACCEPT_SOCKET, n, nn, NULL);
	prov_uses(RL_ACCEPT, nn, ctx.task, ctx.proc, NULL);
	prov_lock(nn, &flags);
	nn->state |= PROV_NODE_ACCEPTED;
	prov_unlock(nn, flags);
	return 0;
}

/*
 * Packets that reached a TCP connection before it was accepted found no
 * socket inode (socket_sock_rcv_skb records nothing then).  They are
 * still queued at the first receive after accept: record them then.
 * Process context, no lock held: the queue is walked under the socket
 * lock.  Packets that arrived after accept are recorded again (the same
 * packet node, one more edge).
 */
static void prov_socket_queued(struct socket *sock, struct prov_node *n)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	unsigned long flags;
	bool first;

	prov_lock(n, &flags);
	first = n->state & PROV_NODE_ACCEPTED;
	n->state &= ~PROV_NODE_ACCEPTED;
	prov_unlock(n, flags);
	if (!first || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->sk_family != PF_INET && sk->sk_family != PF_INET6))
		return;
	lock_sock(sk);
	skb_queue_walk(&sk->sk_receive_queue, skb)
		prov_label_received(n, skb);
	release_sock(sk);
}

static int prov_socket_sendmsg(struct socket *sock, struct msghdr *msg,
			       int size)
{
	struct prov_edge edge = { .flags = size };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	n = prov_socket_ctx(sock, &ctx);
	if (!n)
		return 0;
	prov_generates(RL_SND_MSG, ctx.proc, ctx.task, n, &edge);
	if (sock->sk->sk_family == AF_UNIX && sock->type != SOCK_DGRAM)
		prov_unix_send(sock, n);
	return 0;
}

/*
 * Before a receive: only the packets queued before accept (see above).
 * The receive itself is recorded by socket_post_recvmsg, once data
 * arrived: a receive that waits would otherwise use the socket's version
 * from before the sender's data.
 */
static int prov_socket_recvmsg(struct socket *sock, struct msghdr *msg,
			       int size, int flags)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	n = prov_socket_ctx(sock, &ctx);
	if (n)
		prov_socket_queued(sock, n);
	return 0;
}

/*
 * A receive returned @ret >= 0 bytes (0: end of file, after the peer's
 * shutdown or close) (core hook at the end of the
 * protocol's recvmsg, every recv, recvfrom, recvmsg, recvmmsg message
 * and read of a socket; no lock held by the syscalls).
 */
static void prov_socket_post_recvmsg(struct socket *sock, int flags, int ret)
{
	struct prov_edge edge = { .flags = flags };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return;
	n = prov_socket_ctx(sock, &ctx);
	if (!n)
		return;
	if (sock->sk->sk_family == AF_UNIX && sock->type != SOCK_DGRAM)
		prov_unix_receive(sock, n);
	prov_uses(RL_RCV_MSG, n, ctx.task, ctx.proc, &edge);
}

static int prov_socket_shutdown(struct socket *sock, int how)
{
	struct prov_edge edge = { .flags = how };
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	n = prov_socket_ctx(sock, &ctx);
	if (n)
		prov_generates(RL_SHUTDOWN, ctx.proc, ctx.task, n, &edge);
	return 0;
}

/*
 * A packet reached a socket (softirq, or the process context of a
 * loopback sender): packet -> socket (receive_packet).  Sockets not yet
 * accepted have no socket inode: nothing is recorded, nothing dropped.
 */
static int prov_socket_sock_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	struct prov_node *n;

	if (!prov_gate_open())
		return 0;
	if (!prov_enabled() || !skb)
		return 0;
	if (sk->sk_family != PF_INET && sk->sk_family != PF_INET6)
		return 0;
	read_lock_bh(&sk->sk_callback_lock);
	n = prov_sk_node_locked(sk);
	if (n)
		prov_label_received(n, skb);
	read_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

static struct security_hook_list prov_socket_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(socket_post_create, prov_socket_post_create),
	LSM_HOOK_INIT(socket_socketpair, prov_socket_socketpair),
	LSM_HOOK_INIT(socket_bind, prov_socket_bind),
	LSM_HOOK_INIT(socket_connect, prov_socket_connect),
	LSM_HOOK_INIT(socket_listen, prov_socket_listen),
	LSM_HOOK_INIT(socket_accept, prov_socket_accept),
	LSM_HOOK_INIT(socket_sendmsg, prov_socket_sendmsg),
	LSM_HOOK_INIT(socket_recvmsg, prov_socket_recvmsg),
	LSM_HOOK_INIT(socket_post_recvmsg, prov_socket_post_recvmsg),
	LSM_HOOK_INIT(socket_shutdown, prov_socket_shutdown),
	LSM_HOOK_INIT(socket_sock_rcv_skb, prov_socket_sock_rcv_skb),
};

void __init prov_socket_add_hooks(void)
{
	security_add_hooks(prov_socket_hooks, ARRAY_SIZE(prov_socket_hooks),
			   PROV_LSM_ID);
	prov_unix_add_hooks();
}
