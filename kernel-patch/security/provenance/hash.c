// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - "policy_hash", "commit" and "abi_version"
 *
 * The policy hash is the SHA-256 of a canonical form of the capture
 * policy, so that the same policy gives the same hash on every boot
 * whatever order it was set in (docs/abi.md gives the bytes):
 *
 *  - enabled, all, should_version, compress_node, compress_edge and
 *    duplicate, one byte each (0 or 1);
 *  - the node, derived, generated, used and informed filters, then the
 *    same five propagate filters, each a little-endian u64;
 *  - the uid, gid, ns, secctx_filter, ipv4_ingress and ipv4_egress lists,
 *    each as a little-endian u32 count followed by its entries (the uapi
 *    structures, little endian, sorted by key, secid zeroed).
 */

#include <crypto/sha2.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/types.h>

#include "common.h"
#include "policy.h"
#include "securityfs.h"
#include "target.h"

static void prov_hash_bool(struct sha256_state *sha, const bool *v)
{
	u8 b = READ_ONCE(*v) ? 1 : 0;

	sha256_update(sha, &b, sizeof(b));
}

static void prov_hash_u64(struct sha256_state *sha, const u64 *v)
{
	__le64 le = cpu_to_le64(READ_ONCE(*v));

	sha256_update(sha, (const u8 *)&le, sizeof(le));
}

static void prov_policy_hash(u8 digest[SHA256_DIGEST_SIZE])
{
	const struct prov_policy *p = &prov_policy;
	const bool *flags[] = {
		&p->enabled, &p->all, &p->should_version, &p->compress_node,
		&p->compress_edge, &p->duplicate,
	};
	const u64 *filters[] = {
		&p->node_filter, &p->derived_filter, &p->generated_filter,
		&p->used_filter, &p->informed_filter, &p->prop_node_filter,
		&p->prop_derived_filter, &p->prop_generated_filter,
		&p->prop_used_filter, &p->prop_informed_filter,
	};
	struct sha256_state sha;
	int i;

	sha256_init(&sha);
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		prov_hash_bool(&sha, flags[i]);
	for (i = 0; i < ARRAY_SIZE(filters); i++)
		prov_hash_u64(&sha, filters[i]);
	prov_targets_hash(&sha);
	sha256_final(&sha, digest);
}

static ssize_t prov_policy_hash_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	u8 digest[SHA256_DIGEST_SIZE];

	BUILD_BUG_ON(SHA256_DIGEST_SIZE != PROV_POLICY_HASH_LEN);
	prov_policy_hash(digest);
	return simple_read_from_buffer(buf, count, ppos, digest,
				       sizeof(digest));
}

static const struct file_operations prov_policy_hash_fops = {
	.read = prov_policy_hash_read,
	.llseek = generic_file_llseek,
};

static ssize_t prov_commit_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	static const char c[] = PROV_COMMIT_STR "\n";

	return simple_read_from_buffer(buf, count, ppos, c, sizeof(c) - 1);
}

static const struct file_operations prov_commit_fops = {
	.read = prov_commit_read,
	.llseek = generic_file_llseek,
};

static ssize_t prov_abi_version_read(struct file *file, char __user *buf,
				     size_t count, loff_t *ppos)
{
	char s[16];
	int len;

	len = scnprintf(s, sizeof(s), "%d\n", PROV_ABI_VERSION);
	return simple_read_from_buffer(buf, count, ppos, s, len);
}

static const struct file_operations prov_abi_version_fops = {
	.read = prov_abi_version_read,
	.llseek = generic_file_llseek,
};

const struct prov_fs_file prov_hash_files[] = {
	{ "policy_hash", 0444, NULL, &prov_policy_hash_fops },
	{ "commit", 0444, NULL, &prov_commit_fops },
	{ "abi_version", 0444, NULL, &prov_abi_version_fops },
};

const int prov_hash_files_count = ARRAY_SIZE(prov_hash_files);
