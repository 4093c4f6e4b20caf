// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - the machine node
 *
 * One agent node (AGT_MACHINE) stands for the running kernel.  Tasks are
 * linked to it by ran_on edges.  Its id is the hash of the build commit
 * (PROV_COMMIT_STR; empty, so 5381, unless the build sets it) and its
 * first version is 1.
 */

#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "common.h"
#include "node.h"
#include "policy.h"
#include "record.h"

static struct prov_long_node prov_machine_node;

static struct prov_machine_record *prov_machine_record(void)
{
	return (struct prov_machine_record *)&prov_machine_node.n.rec;
}

static void prov_machine_uts(struct prov_machine_record *m,
			     const struct new_utsname *uts)
{
	strscpy_pad(m->sysname, uts->sysname, sizeof(m->sysname));
	strscpy_pad(m->nodename, uts->nodename, sizeof(m->nodename));
	strscpy_pad(m->release, uts->release, sizeof(m->release));
	strscpy_pad(m->version, uts->version, sizeof(m->version));
	strscpy_pad(m->machine, uts->machine, sizeof(m->machine));
	strscpy_pad(m->domainname, uts->domainname, sizeof(m->domainname));
}

void __init prov_machine_init(void)
{
	struct prov_node *n = &prov_machine_node.n;
	struct prov_machine_record *m = prov_machine_record();

	spin_lock_init(&n->lock);
	prov_node_reset(n, PROV_CLASS_MACHINE, NULL);
	prov_record_init(m, PROV_KIND_MACHINE, sizeof(*m));
	m->elt.identifier.node.type = AGT_MACHINE;
	m->elt.identifier.node.id = prov_hash(PROV_COMMIT_STR,
					      strlen(PROV_COMMIT_STR));
	m->elt.identifier.node.version = 1;
	m->cam_major = PROV_CAM_MAJOR;
	m->cam_minor = PROV_CAM_MINOR;
	m->cam_patch = PROV_CAM_PATCH;
	strscpy_pad(m->commit, PROV_COMMIT_STR, sizeof(m->commit));
	prov_machine_uts(m, init_utsname());
	n->live = 1;
}

struct prov_node *prov_machine(void)
{
	return &prov_machine_node.n;
}

/*
 * Copy the machine record, refreshed with the host names seen by the
 * caller, and mark it written: it is the first record sent to relay.
 */
u32 prov_machine_snapshot(void *buf, size_t size)
{
	struct prov_node *n = &prov_machine_node.n;
	struct prov_machine_record *m = prov_machine_record();
	struct new_utsname *uts;
	unsigned long flags;
	u32 len = 0;

	down_read(&uts_sem);
	uts = kmemdup(utsname(), sizeof(*uts), GFP_KERNEL);
	up_read(&uts_sem);
	prov_lock(n, &flags);
	if (uts)
		prov_machine_uts(m, uts);
	if (m->hdr.size <= size) {
		len = m->hdr.size;
		n->recorded_epoch = prov_current_epoch();
		m->elt.epoch = n->recorded_epoch;
		memcpy(buf, m, len);
	}
	prov_unlock(n, flags);
	kfree(uts);
	return len;
}
