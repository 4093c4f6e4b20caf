/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Provenance LSM - sockets, packets and the network lists
 */

#ifndef _SECURITY_PROVENANCE_NET_H
#define _SECURITY_PROVENANCE_NET_H

#include <linux/init.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "node.h"
#include "target.h"

/* Longest packet content recorded (bytes from the network header). */
#define PROV_PACKET_CONTENT_MAX	1024

/* Node of the socket inode of @sock (NULL if none). */
struct prov_node *prov_socket_node(struct socket *sock);

/*
 * Node of the socket of a full @sk, which must stay attached to its socket
 * while the node is used: callers hold sk->sk_callback_lock (read).
 */
struct prov_node *prov_sk_node_locked(struct sock *sk);

/* Set the flags an ipv4 list op asks for on a socket (and its process). */
void prov_socket_apply_op(struct prov_node *sock, struct prov_node *proc,
			  u8 op);

/*
 * A packet leaves (@ingress false: socket -> packet, send_packet) or
 * reaches (@ingress true: packet -> socket, receive_packet) the socket
 * node @sock.  Safe in softirq; never reads current.
 */
void prov_packet_record(struct prov_node *sock, struct sk_buff *skb,
			bool ingress);

#if IS_BUILTIN(CONFIG_UNIX)
void prov_unix_send(struct socket *sock, struct prov_node *n);
void prov_unix_receive(struct socket *sock, struct prov_node *n);
void __init prov_unix_add_hooks(void);
#else
static inline void prov_unix_send(struct socket *sock, struct prov_node *n) {}
static inline void prov_unix_receive(struct socket *sock,
				     struct prov_node *n) {}
static inline void prov_unix_add_hooks(void) {}
#endif

#endif /* _SECURITY_PROVENANCE_NET_H */
