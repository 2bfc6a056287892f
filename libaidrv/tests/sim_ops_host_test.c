// SPDX-License-Identifier: GPL-2.0-only
/*
 * sim_ops_host_test: the KUnit suite aiaccel_sim_ops, built for userspace.
 *
 * The model's op kernels and the reference are kernel-clean C; with the
 * small shim in shim/ the same suite that kunit.py runs on UML runs here
 * in a second, under the address and undefined-behaviour sanitizers.
 */

#include "../../kunit/aiaccel_ops_test.c"

int main(void)
{
	return kshim_run(kshim_suite) ? 1 : 0;
}
