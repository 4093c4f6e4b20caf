// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - UNIX domain sockets: the data path between the sender's
 * and the receiver's socket
 *
 * Data written to a UNIX socket is queued on its peer, so the sender's
 * socket informs the peer's socket: send_unix sender socket -> receiver
 * socket, at every send on a connected stream or seqpacket socket
 * (socket_sendmsg) and at every datagram (unix_may_send, which also
 * covers sendto without connect).  The receiver then reads its own socket
 * (receive_msg, once the receive returned data or end of file); on a stream it also
 * records receive_unix from the peer's socket, so data sent before the
 * server's end had a socket (before accept) is still connected.
 * unix_stream_connect records connect_unix_stream on the connecting
 * socket.
 */

#include <linux/lsm_hooks.h>
#include <linux/net.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "common.h"
#include "net.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

/*
 * An edge between the socket node @n and the socket of @sock's peer, if
 * the peer still has one: send_unix n -> peer (@send), receive_unix
 * peer -> n (!@send).
 */
static void prov_unix_peer(struct socket *sock, struct prov_node *n, bool send)
{
	struct prov_node *other;
	struct sock *peer;

	peer = unix_peer_get(sock->sk);
	if (!peer)
		return;
	read_lock_bh(&peer->sk_callback_lock);
	other = prov_sk_node_locked(peer);
	if (other && other != n && send)
		prov_derives(RL_SND_UNIX, n, other, NULL);
	else if (other && other != n)
		prov_derives(RL_RCV_UNIX, other, n, NULL);
	read_unlock_bh(&peer->sk_callback_lock);
	sock_put(peer);
}

/* A send on a connected stream or seqpacket socket (socket_sendmsg). */
void prov_unix_send(struct socket *sock, struct prov_node *n)
{
	prov_unix_peer(sock, n, true);
}

/*
 * A receive on a connected stream or seqpacket socket that returned data
 * (socket_post_recvmsg): what the peer sent, including while the receiver
 * waited, is queued here.
 */
void prov_unix_receive(struct socket *sock, struct prov_node *n)
{
	prov_unix_peer(sock, n, false);
}

/*
 * A datagram to @other: called with other's state locked and other alive
 * (not SOCK_DEAD), so other->sk_socket is stable.
 */
static int prov_unix_may_send(struct socket *sock, struct socket *other)
{
	struct prov_node *from, *to;

	if (!prov_gate_open())
		return 0;
	if (!prov_enabled() || !sock || !other)
		return 0;
	from = prov_socket_node(sock);
	to = prov_socket_node(other);
	if (from && to && from != to)
		prov_derives(RL_SND_UNIX, from, to, NULL);
	return 0;
}

/*
 * @sock connects to the listening @other; @newsk will be the server's end
 * (it gets its socket at accept, which records accept_socket).
 */
static int prov_unix_stream_connect(struct sock *sock, struct sock *other,
				    struct sock *newsk)
{
	struct prov_node *n;
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (!sock->sk_socket || !prov_ctx_current(&ctx, false))
		return 0;
	n = prov_socket_node(sock->sk_socket);
	if (n)
		prov_generates(RL_CONNECT_UNIX_STREAM, ctx.proc, ctx.task, n,
			       NULL);
	return 0;
}

static struct security_hook_list prov_unix_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(unix_stream_connect, prov_unix_stream_connect),
	LSM_HOOK_INIT(unix_may_send, prov_unix_may_send),
};

void __init prov_unix_add_hooks(void)
{
	security_add_hooks(prov_unix_hooks, ARRAY_SIZE(prov_unix_hooks),
			   PROV_LSM_ID);
}
