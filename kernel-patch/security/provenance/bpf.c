// SPDX-License-Identifier: GPL-2.0-only
/*
 * Provenance LSM - bpf(2)
 *
 * BPF_PROG_LOAD copies a program from the process memory into the kernel,
 * which then runs it (on packets, at tracepoints, ...): proc -> task
 * (memory_read), task -> machine (load_bpf, flags = program type), the
 * shape of the other kernel loads.  It is recorded when the call is
 * checked, before the verifier runs, as a module load is recorded before
 * the module is parsed.  Maps are not recorded (docs/graph-model.md).
 */

#include <linux/bpf.h>
#include <linux/lsm_hooks.h>

#include "common.h"
#include "compat.h"
#include "node.h"
#include "objects.h"
#include "policy.h"
#include "record.h"
#include "setup.h"

static int prov_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	struct prov_edge edge = { };
	struct prov_ctx ctx;

	if (!prov_gate_open())
		return 0;
	if (cmd != BPF_PROG_LOAD || !attr)
		return 0;
	if (!prov_ctx_current(&ctx, true))
		return 0;
	edge.flags = attr->prog_type;
	prov_generates(RL_LOAD_BPF, ctx.proc, ctx.task, prov_machine(), &edge);
	return 0;
}

static struct security_hook_list prov_bpf_hooks[] __lsm_ro_after_init = {
	LSM_HOOK_INIT(bpf, prov_bpf),
};

void __init prov_bpf_add_hooks(void)
{
	security_add_hooks(prov_bpf_hooks, ARRAY_SIZE(prov_bpf_hooks),
			   PROV_LSM_ID);
}
