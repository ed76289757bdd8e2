/* SPDX-License-Identifier: MIT */
/*
 * What the source does to the guest itself during a migration (docs/design.md §10, §11): track
 * its writes, stop it consistently, and give everything back if the migration fails.
 */
#ifndef SVSM_MIGRATE_FREEZE_H
#define SVSM_MIGRATE_FREEZE_H

#include "svsm/migrate_abi.h"
#include "svsm/mm/bitmap.h"
#include "svsm/plat.h"

/* Write tracking on: `dirty` (one bit per guest page, cleared here) gets the first write to every
 * validated page, which is write-protected (RX) now; pages validated or invalidated from now on
 * are logged there too. MIG_ERR_INTERNAL (tracking off again) when the platform could not
 * protect every page. */
enum mig_error mig_tracking_begin(struct bitmap *dirty);
void mig_tracking_end(void);

/* Sets the guest's permission on every page it has validated (e.g. RX to re-protect, RWX to give
 * everything back), then makes it visible on every CPU. One platform call per memory-map range. */
enum plat_status mig_set_guest_perm_all(enum plat_perm perm);

/*
 * Two-phase checkpoint. Phase 1 opens freeze epoch `epoch` and interrupts every vCPU: each saves
 * its whole state (the platform keeps it with the vCPU) and parks in the SVSM. Phase 2 revokes
 * the guest's access to all of its memory and then checks that every vCPU is parked: from this
 * epoch's request on, no resume is issued until the checkpoint ends, so a vCPU seen parked now has
 * not run since it saved its state. A vCPU the host withholds never parks: MIG_ERR_VCPU_TIMEOUT,
 * and the caller gives the guest back (mig_guest_release) rather than use an inconsistent state.
 * Write tracking, if on, is turned off once the guest cannot write any more.
 */
enum mig_error mig_checkpoint(uint64_t epoch, uint64_t timeout_ns);

/* Gives the guest back everything: tracking off, RWX on every validated page, every vCPU
 * resumed. */
void mig_guest_release(void);

#endif
