/* SPDX-License-Identifier: MIT */
/* The two ends of a migration after the handshake (docs/design.md §8). */
#ifndef SVSM_MIGRATE_TRANSFER_H
#define SVSM_MIGRATE_TRANSFER_H

#include "svsm/migrate/session.h"

/* Source: checkpoint, pages, vCPU states, COMMIT, ACK, GO. On failure before GO the guest is
 * resumed with nothing lost; after GO it never runs here again. */
enum mig_error mig_source_run(struct mig_session *s, uint64_t park_timeout_ns);
/* Target: receive, verify COMMIT, ACK, wait for GO, start the vCPUs. On failure nothing that was
 * received stays validated and no guest code has run. */
enum mig_error mig_target_run(struct mig_session *s);

/* The per-channel digest both ends keep over every (GPA, round) a channel carried. */
enum mig_error mig_digest_page(struct crypto_sha384_ctx *digest, gpa_t gpa, uint64_t round);

#endif
