/* SPDX-License-Identifier: MIT */
#ifndef SVSM_CORE_SVSM_H
#define SVSM_CORE_SVSM_H

/* What the SVSM's own CPU does once every CPU is online: the product image runs the guest
 * workload (svsm/core/run_product.c), the test image runs the in-guest tests (tests/guest). */
void svsm_run(void);

#endif
