/* System libinih (Debian libinih-dev) for the Ini target. */
#ifndef CAMFLOW_CINIH_SHIM_H
#define CAMFLOW_CINIH_SHIM_H

#include <stdbool.h>
#include <ini.h>

/*
 * Debian's inih exposes its build options as globals.  Lift the 200-byte
 * line limit of the default build (paths in camflow.ini can be long): heap
 * line buffer, grown with realloc up to max_line bytes.  Called once, before
 * parsing, from a single thread.
 */
static inline void camflow_ini_setup(int max_line)
{
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = max_line;
	ini_allow_multiline = true;
	ini_allow_inline_comments = true;
	ini_stop_on_first_error = false;
}

#endif
