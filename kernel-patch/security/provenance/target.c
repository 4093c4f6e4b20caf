// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - target lists
 *
 * Six lists ("uid", "gid", "ns", "secctx_filter", "ipv4_ingress" and
 * "ipv4_egress") hold at most PROV_TARGETS_MAX entries each, always sorted
 * by key.  A list is an immutable array published with RCU: writers (the
 * securityfs files, serialised by prov_target_mutex) build a new array and
 * swap it in; hooks read the current array under rcu_read_lock(), from any
 * context.
 *
 * A process whose effective uid or gid, or whose security context, has an
 * entry takes the flags of the entry's op (set, never cleared): "track"
 * sets TRACKED, "propagate" TRACKED and PROPAGATE, "opaque" OPAQUE.  A task
 * whose namespaces match an "ns" entry (same cgroup namespace, each other
 * namespace equal or 0 in the entry) likewise.  The ipv4 lists apply to
 * sockets and packets (prov_target_ipv4, used by socket.c and packet.c):
 * the most specific matching entry (longest mask, then a port over any
 * port) gives its op.
 * Entries carry no taint yet: their taint field must be 0.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "common.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "target.h"

/* Room for any entry. */
union prov_target_entry {
	struct prov_userinfo user;
	struct prov_groupinfo group;
	struct prov_nsinfo ns;
	struct prov_secinfo sec;
	struct prov_ipv4_filter ipv4;
};

/* One published version of a list. */
struct prov_target_array {
	struct rcu_head rcu;
	u32 count;
	u8 entries[];		/* count entries, sorted by key */
};

struct prov_target_list {
	size_t size;		/* bytes of one entry (the uapi struct) */
	size_t op_offset;	/* where the entry's op is */
	size_t taint_offset;	/* where the entry's (unused) taint is */
	bool ipv4;		/* op may carry RECORD; no OPAQUE */
	/* Validate a new entry and bring it to its canonical form. */
	int (*check)(union prov_target_entry *e);
	/* Order of two entries by key. */
	int (*cmp)(const void *a, const void *b);
	struct prov_target_array __rcu *array;
};

/* Serialises the writers (and readers of whole lists) of every list. */
static DEFINE_MUTEX(prov_target_mutex);

static int prov_cmp_u32(u32 a, u32 b)
{
	return a < b ? -1 : a > b;
}

static int prov_reserved_ok(const u8 *reserved, size_t len)
{
	return memchr_inv(reserved, 0, len) ? -EINVAL : 0;
}

static int prov_user_check(union prov_target_entry *e)
{
	return prov_reserved_ok(e->user.reserved, sizeof(e->user.reserved));
}

static int prov_user_cmp(const void *a, const void *b)
{
	const struct prov_userinfo *x = a, *y = b;

	return prov_cmp_u32(x->uid, y->uid);
}

static int prov_group_check(union prov_target_entry *e)
{
	return prov_reserved_ok(e->group.reserved, sizeof(e->group.reserved));
}

static int prov_group_cmp(const void *a, const void *b)
{
	const struct prov_groupinfo *x = a, *y = b;

	return prov_cmp_u32(x->gid, y->gid);
}

/* Keyed by the cgroup namespace, which must be given. */
static int prov_ns_check(union prov_target_entry *e)
{
	if (!e->ns.cgroupns)
		return -EINVAL;
	return prov_reserved_ok(e->ns.reserved, sizeof(e->ns.reserved));
}

static int prov_ns_cmp(const void *a, const void *b)
{
	const struct prov_nsinfo *x = a, *y = b;

	return prov_cmp_u32(x->cgroupns, y->cgroupns);
}

/*
 * A NUL-terminated context of len bytes (1 to PROV_SECCTX_MAX - 1), zero
 * padded.  The secid is the kernel's (resolved when the entry is added).
 */
static int prov_sec_check(union prov_target_entry *e)
{
	struct prov_secinfo *s = &e->sec;

	if (!s->len || s->len >= PROV_SECCTX_MAX)
		return -EINVAL;
	if (strnlen(s->secctx, PROV_SECCTX_MAX) != s->len)
		return -EINVAL;
	memset(s->secctx + s->len, 0, PROV_SECCTX_MAX - s->len);
	s->secid = 0;
	return prov_reserved_ok(s->reserved, sizeof(s->reserved));
}

static int prov_sec_cmp(const void *a, const void *b)
{
	const struct prov_secinfo *x = a, *y = b;

	return strcmp(x->secctx, y->secctx);
}

/* The mask is a prefix (in network byte order); the address is masked. */
static int prov_ipv4_check(union prov_target_entry *e)
{
	struct prov_ipv4_filter *f = &e->ipv4;
	u32 host = ~ntohl(f->mask);

	if (host & (host + 1))
		return -EINVAL;
	f->ip &= f->mask;
	return prov_reserved_ok(f->reserved, sizeof(f->reserved));
}

static int prov_ipv4_cmp(const void *a, const void *b)
{
	const struct prov_ipv4_filter *x = a, *y = b;
	int c = prov_cmp_u32(ntohl(x->ip), ntohl(y->ip));

	if (!c)
		c = prov_cmp_u32(ntohl(x->mask), ntohl(y->mask));
	if (!c)
		c = prov_cmp_u32(ntohs(x->port), ntohs(y->port));
	return c;
}

#define PROV_TARGET_LIST(type, ipv4_list, check_fn, cmp_fn) {	\
	.size = sizeof(type),					\
	.op_offset = offsetof(type, op),			\
	.taint_offset = offsetof(type, taint),			\
	.ipv4 = ipv4_list,					\
	.check = check_fn,					\
	.cmp = cmp_fn,						\
}

static struct prov_target_list prov_target_uid =
	PROV_TARGET_LIST(struct prov_userinfo, false, prov_user_check,
			 prov_user_cmp);
static struct prov_target_list prov_target_gid =
	PROV_TARGET_LIST(struct prov_groupinfo, false, prov_group_check,
			 prov_group_cmp);
static struct prov_target_list prov_target_ns =
	PROV_TARGET_LIST(struct prov_nsinfo, false, prov_ns_check,
			 prov_ns_cmp);
static struct prov_target_list prov_target_secctx =
	PROV_TARGET_LIST(struct prov_secinfo, false, prov_sec_check,
			 prov_sec_cmp);
static struct prov_target_list prov_target_ipv4_ingress =
	PROV_TARGET_LIST(struct prov_ipv4_filter, true, prov_ipv4_check,
			 prov_ipv4_cmp);
static struct prov_target_list prov_target_ipv4_egress =
	PROV_TARGET_LIST(struct prov_ipv4_filter, true, prov_ipv4_check,
			 prov_ipv4_cmp);

/*
 * Whether the uid, gid, namespace or security-context list has an entry:
 * what every hook checks before looking current up in them.  Written
 * under prov_target_mutex; a hook reading it just before a change takes
 * the change at its next hook, as with the lists themselves.
 */
bool prov_process_targets;

static void prov_process_targets_note(void)
{
	WRITE_ONCE(prov_process_targets,
		   rcu_access_pointer(prov_target_uid.array) ||
		   rcu_access_pointer(prov_target_gid.array) ||
		   rcu_access_pointer(prov_target_ns.array) ||
		   rcu_access_pointer(prov_target_secctx.array));
}

/* In the order their entries are hashed. */
static struct prov_target_list *const prov_target_lists[] = {
	&prov_target_uid, &prov_target_gid, &prov_target_ns,
	&prov_target_secctx, &prov_target_ipv4_ingress,
	&prov_target_ipv4_egress,
};

/*
 * Accepted ops: DELETE alone; for the ipv4 lists TRACKED with PROPAGATE
 * and RECORD optional; for the others TRACKED, TRACKED|PROPAGATE or
 * OPAQUE.
 */
static bool prov_target_op_ok(const struct prov_target_list *l, u8 op)
{
	const u8 tp = PROV_SET_TRACKED | PROV_SET_PROPAGATE;

	if (op == PROV_SET_DELETE)
		return true;
	if (l->ipv4)
		return (op & PROV_SET_TRACKED) &&
		       !(op & ~(tp | PROV_SET_RECORD));
	return op == PROV_SET_TRACKED || op == tp || op == PROV_SET_OPAQUE;
}

static u8 *prov_target_at(const struct prov_target_list *l,
			  struct prov_target_array *a, u32 i)
{
	return a->entries + (size_t)i * l->size;
}

/* Index of the entry with the key of @key, or -(insertion point) - 1. */
static int prov_target_search(const struct prov_target_list *l,
			      struct prov_target_array *a, const void *key)
{
	int lo = 0, hi = a ? a->count : 0;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int c = l->cmp(prov_target_at(l, a, mid), key);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -lo - 1;
}

static struct prov_target_array *prov_target_alloc(const struct prov_target_list *l,
						   u32 count)
{
	struct prov_target_array *a;

	a = kvmalloc(sizeof(*a) + (size_t)count * l->size, GFP_KERNEL);
	if (a)
		a->count = count;
	return a;
}

static struct prov_target_array *
prov_target_current(struct prov_target_list *l)
{
	return rcu_dereference_protected(l->array,
					 lockdep_is_held(&prov_target_mutex));
}

/* Add @e, or replace the entry with the same key. */
static int prov_target_put(struct prov_target_list *l, const void *e)
{
	struct prov_target_array *old = prov_target_current(l);
	u32 n = old ? old->count : 0;
	int i = prov_target_search(l, old, e);
	struct prov_target_array *new;
	u32 at;

	if (i < 0 && n >= PROV_TARGETS_MAX)
		return -ENOSPC;
	new = prov_target_alloc(l, i < 0 ? n + 1 : n);
	if (!new)
		return -ENOMEM;
	at = i < 0 ? -i - 1 : i;
	if (old)
		memcpy(new->entries, old->entries, (size_t)at * l->size);
	memcpy(prov_target_at(l, new, at), e, l->size);
	if (old && i < 0)
		memcpy(prov_target_at(l, new, at + 1), prov_target_at(l, old, at),
		       (size_t)(n - at) * l->size);
	else if (old && at + 1 < n)
		memcpy(prov_target_at(l, new, at + 1),
		       prov_target_at(l, old, at + 1),
		       (size_t)(n - at - 1) * l->size);
	rcu_assign_pointer(l->array, new);
	prov_process_targets_note();
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/* Remove the entry with the key of @e. */
static int prov_target_delete(struct prov_target_list *l, const void *e)
{
	struct prov_target_array *old = prov_target_current(l);
	struct prov_target_array *new = NULL;
	int i = prov_target_search(l, old, e);

	if (i < 0)
		return -ENOENT;
	if (old->count > 1) {
		new = prov_target_alloc(l, old->count - 1);
		if (!new)
			return -ENOMEM;
		memcpy(new->entries, old->entries, (size_t)i * l->size);
		memcpy(prov_target_at(l, new, i), prov_target_at(l, old, i + 1),
		       (size_t)(old->count - i - 1) * l->size);
	}
	rcu_assign_pointer(l->array, new);
	prov_process_targets_note();
	kvfree_rcu(old, rcu);
	return 0;
}

/* The secid of a context, 0 if no security module can map it. */
static void prov_target_resolve(union prov_target_entry *e)
{
	u32 secid = 0;

	if (security_secctx_to_secid(e->sec.secctx, e->sec.len, &secid))
		secid = 0;
	e->sec.secid = secid;
}

/* Does any list have an entry?  Under prov_target_mutex. */
static bool prov_targets_any(void)
{
	int k;

	for (k = 0; k < ARRAY_SIZE(prov_target_lists); k++)
		if (prov_target_current(prov_target_lists[k]))
			return true;
	return false;
}

static ssize_t prov_target_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct prov_target_list *l = file_inode(file)->i_private;
	union prov_target_entry *e;
	ssize_t rc;
	u64 taint;
	u8 op;

	if (!capable(CAP_AUDIT_CONTROL))
		return -EPERM;
	if (count != l->size)
		return -EINVAL;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	rc = -EFAULT;
	if (copy_from_user(e, buf, l->size))
		goto out;
	op = ((u8 *)e)[l->op_offset];
	memcpy(&taint, (u8 *)e + l->taint_offset, sizeof(taint));
	rc = -EINVAL;
	if (!prov_target_op_ok(l, op) || taint)
		goto out;
	rc = l->check(e);
	if (rc)
		goto out;
	if (l == &prov_target_secctx && op != PROV_SET_DELETE)
		prov_target_resolve(e);
	mutex_lock(&prov_target_mutex);
	if (op == PROV_SET_DELETE)
		rc = prov_target_delete(l, e);
	else
		rc = prov_target_put(l, e);
	prov_gate_set(PROV_GATE_TARGETS, prov_targets_any());
	mutex_unlock(&prov_target_mutex);
	if (!rc)
		rc = count;
out:
	kfree(e);
	return rc;
}

/* Every entry, as an array of the list's structure. */
static ssize_t prov_target_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct prov_target_list *l = file_inode(file)->i_private;
	struct prov_target_array *a;
	size_t len = 0;
	ssize_t rc;
	void *copy = NULL;

	mutex_lock(&prov_target_mutex);
	a = prov_target_current(l);
	if (a) {
		len = (size_t)a->count * l->size;
		copy = kvmalloc(len, GFP_KERNEL);
		if (copy)
			memcpy(copy, a->entries, len);
	}
	mutex_unlock(&prov_target_mutex);
	if (len && !copy)
		return -ENOMEM;
	rc = simple_read_from_buffer(buf, count, ppos, copy, len);
	kvfree(copy);
	return rc;
}

static const struct file_operations prov_target_fops = {
	.read = prov_target_read,
	.write = prov_target_write,
	.llseek = generic_file_llseek,
};

const struct prov_fs_file prov_target_files[] = {
	{ "uid", 0644, &prov_target_uid, &prov_target_fops },
	{ "gid", 0644, &prov_target_gid, &prov_target_fops },
	{ "ns", 0644, &prov_target_ns, &prov_target_fops },
	{ "secctx_filter", 0644, &prov_target_secctx, &prov_target_fops },
	{ "ipv4_ingress", 0644, &prov_target_ipv4_ingress, &prov_target_fops },
	{ "ipv4_egress", 0644, &prov_target_ipv4_egress, &prov_target_fops },
};

const int prov_target_files_count = ARRAY_SIZE(prov_target_files);

/* The op of the entry keyed like @key (uid or gid lists). */
static u8 prov_target_lookup(struct prov_target_list *l, const void *key)
{
	struct prov_target_array *a;
	u8 op = 0;
	int i;

	if (!rcu_access_pointer(l->array))
		return 0;
	rcu_read_lock();
	a = rcu_dereference(l->array);
	i = prov_target_search(l, a, key);
	if (i >= 0)
		op = prov_target_at(l, a, i)[l->op_offset];
	rcu_read_unlock();
	return op;
}

/* OR of the ops of the entries resolved to @secid. */
static u8 prov_target_lookup_secid(u32 secid)
{
	struct prov_target_list *l = &prov_target_secctx;
	const struct prov_secinfo *s;
	struct prov_target_array *a;
	u8 op = 0;
	u32 i;

	if (!secid)
		return 0;
	rcu_read_lock();
	a = rcu_dereference(l->array);
	for (i = 0; a && i < a->count; i++) {
		s = (const struct prov_secinfo *)prov_target_at(l, a, i);
		if (s->secid == secid)
			op |= s->op;
	}
	rcu_read_unlock();
	return op;
}

static bool prov_ns_field_ok(u32 entry, u32 value)
{
	return !entry || entry == value;
}

/* The op of the entry matching the namespaces of a task. */
static u8 prov_target_lookup_ns(const struct prov_nsinfo *task)
{
	struct prov_target_list *l = &prov_target_ns;
	const struct prov_nsinfo *e;
	struct prov_target_array *a;
	u8 op = 0;
	int i;

	if (!task->cgroupns)
		return 0;
	rcu_read_lock();
	a = rcu_dereference(l->array);
	i = prov_target_search(l, a, task);
	if (i >= 0) {
		e = (const struct prov_nsinfo *)prov_target_at(l, a, i);
		if (prov_ns_field_ok(e->utsns, task->utsns) &&
		    prov_ns_field_ok(e->ipcns, task->ipcns) &&
		    prov_ns_field_ok(e->mntns, task->mntns) &&
		    prov_ns_field_ok(e->pidns, task->pidns) &&
		    prov_ns_field_ok(e->netns, task->netns))
			op = e->op;
	}
	rcu_read_unlock();
	return op;
}

/* Set the flags an op asks for on @n (never clears). */
static void prov_target_set(struct prov_node *n, u8 op)
{
	u32 f = 0;

	if (op & PROV_SET_TRACKED)
		f |= PROV_FLAG_TRACKED;
	if (op & PROV_SET_PROPAGATE)
		f |= PROV_FLAG_TRACKED | PROV_FLAG_PROPAGATE;
	if (op & PROV_SET_OPAQUE)
		f |= PROV_FLAG_OPAQUE;
	if (f && (prov_flags(n) & f) != f)
		prov_set_flags(n, f, 0);
}

void prov_targets_apply_cred(struct prov_node *proc, const struct cred *cred)
{
	struct prov_userinfo user = {};
	struct prov_groupinfo group = {};
	u32 secid = 0;
	u8 op;

	if (!proc || !cred)
		return;
	op = 0;
	if (rcu_access_pointer(prov_target_uid.array)) {
		user.uid = from_kuid_munged(&init_user_ns, cred->euid);
		op |= prov_target_lookup(&prov_target_uid, &user);
	}
	if (rcu_access_pointer(prov_target_gid.array)) {
		group.gid = from_kgid_munged(&init_user_ns, cred->egid);
		op |= prov_target_lookup(&prov_target_gid, &group);
	}
	if (rcu_access_pointer(prov_target_secctx.array)) {
		security_cred_getsecid(cred, &secid);
		op |= prov_target_lookup_secid(secid);
	}
	prov_target_set(proc, op);
}

void prov_targets_apply_current_lists(struct prov_node *proc,
				      struct prov_node *task)
{
	struct prov_nsinfo ns = {};

	prov_targets_apply_cred(proc, current_cred());
	if (!task || !rcu_access_pointer(prov_target_ns.array))
		return;
	prov_current_ns(&ns);
	prov_target_set(task, prov_target_lookup_ns(&ns));
}

/* Does @e match @addr/@port, and is it more specific than @best? */
static bool prov_ipv4_better(const struct prov_ipv4_filter *e,
			     const struct prov_ipv4_filter *best,
			     __be32 addr, __be16 port)
{
	if ((addr & e->mask) != e->ip || (e->port && e->port != port))
		return false;
	if (!best)
		return true;
	if (e->mask != best->mask)
		return ntohl(e->mask) > ntohl(best->mask);
	return e->port && !best->port;
}

u8 prov_target_ipv4(bool ingress, __be32 addr, __be16 port)
{
	struct prov_target_list *l = ingress ? &prov_target_ipv4_ingress :
					       &prov_target_ipv4_egress;
	const struct prov_ipv4_filter *e, *best = NULL;
	struct prov_target_array *a;
	u8 op = 0;
	u32 i;

	if (!rcu_access_pointer(l->array))
		return 0;
	rcu_read_lock();
	a = rcu_dereference(l->array);
	for (i = 0; a && i < a->count; i++) {
		e = (const struct prov_ipv4_filter *)prov_target_at(l, a, i);
		if (prov_ipv4_better(e, best, addr, port))
			best = e;
	}
	if (best)
		op = best->op;
	rcu_read_unlock();
	return op;
}

void prov_targets_hash(struct sha256_state *sha)
{
	union prov_target_entry e;
	struct prov_target_array *a;
	struct prov_target_list *l;
	__le32 count;
	u32 i;
	int k;

	mutex_lock(&prov_target_mutex);
	for (k = 0; k < ARRAY_SIZE(prov_target_lists); k++) {
		l = prov_target_lists[k];
		a = prov_target_current(l);
		count = cpu_to_le32(a ? a->count : 0);
		sha256_update(sha, (const u8 *)&count, sizeof(count));
		for (i = 0; a && i < a->count; i++) {
			memcpy(&e, prov_target_at(l, a, i), l->size);
			/* A secid is only valid until the next boot. */
			if (l == &prov_target_secctx)
				e.sec.secid = 0;
			sha256_update(sha, (const u8 *)&e, l->size);
		}
	}
	mutex_unlock(&prov_target_mutex);
}
