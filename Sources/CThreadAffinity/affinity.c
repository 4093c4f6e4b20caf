#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>

#include "CThreadAffinity.h"

int camflow_pin_current_thread(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : errno;
}
