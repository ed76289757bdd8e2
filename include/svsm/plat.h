/* SPDX-License-Identifier: MIT */
/*
 * The platform seam. The migration core (svsm/migrate, svsm/crypto) calls only these functions;
 * svsm/plat/snp, svsm/plat/qemu and host/plat/hosted each implement all of them, chosen at link
 * time. The shape follows SEV-SNP: a guest page is validated or not (PVALIDATE), and carries
 * permissions for the guest's VMPL (RMPADJUST). Permission changes do not flush TLBs; callers
 * batch changes and then call plat_flush_tlb_all(), as with RMPADJUST.
 */
#ifndef SVSM_PLAT_H
#define SVSM_PLAT_H

#include <stdnoreturn.h>

#include "svsm/types.h"

enum plat_status {
	PLAT_OK = 0,
	PLAT_ERR_INPUT,	       /* PVALIDATE/RMPADJUST FAIL_INPUT: not guest RAM, misaligned */
	PLAT_ERR_UNCHANGED,    /* PVALIDATE FAIL_UNCHANGED: the page already was in that state */
	PLAT_ERR_SIZEMISMATCH, /* 2 MiB operation over memory that is not 2 MiB uniform */
	PLAT_ERR_PERMISSION,   /* RMPADJUST FAIL_PERMISSION */
	PLAT_ERR_TIMEOUT,
	PLAT_ERR_ENTROPY,
	PLAT_ERR_UNSUPPORTED,
	PLAT_ERR_HARDWARE, /* the platform failed in a way the caller cannot fix */
};

const char *plat_status_str(enum plat_status status);

/* Name of the backend ("snp", "qemu", "hosted") for logs and stats. */
const char *plat_name(void);

/* --- Guest memory ------------------------------------------------------------------------- */

enum plat_perm {
	PLAT_PERM_NONE = 0,
	PLAT_PERM_R = 1,
	PLAT_PERM_RW = 3,
	PLAT_PERM_RX = 5,
	PLAT_PERM_RWX = 7,
};

/* PVALIDATE one 4 KiB (or 2 MiB) guest page: validate=true makes it usable by the guest. */
enum plat_status plat_pvalidate(gpa_t gpa, bool huge, bool validate);
/* RMPADJUST the guest VMPL's permissions on one 4 KiB guest page. */
enum plat_status plat_set_guest_perm(gpa_t gpa, enum plat_perm perm);
/* The same over [start, start + pages x 4 KiB), for every page of it that is validated; pages
 * that are not are skipped (a page the guest invalidated meanwhile has no permission left to
 * set). PLAT_ERR_INPUT when the range is not guest RAM or perm is not a permission. Changing a
 * whole run at once is what keeps revoking a large guest within a blackout on platforms where each
 * change is a system call (hosted) or a page-table walk. */
enum plat_status plat_set_guest_perm_range(gpa_t start, uint64_t pages, enum plat_perm perm);
/* Makes every earlier permission change visible on every CPU before it returns. */
void plat_flush_tlb_all(void);

/* Write tracking for pre-copy (docs/design.md §10). While it is on, a guest write to a page the
 * SVSM write-protected (PLAT_PERM_RX) is caught by the SVSM itself, which sets the page's bit in
 * `dirty` (the SVSM's own bitmap, indexed by PFN), gives write access back (PLAT_PERM_RWX) and
 * lets the guest continue. Nothing the host reports about dirty pages is ever used. */
struct bitmap;
void plat_write_tracking_start(struct bitmap *dirty);
void plat_write_tracking_stop(void);

/* Copies to and from guest memory. They fail (PLAT_ERR_INPUT) instead of faulting for any range
 * that is not guest RAM; the SVSM never holds a pointer into guest memory across calls. */
enum plat_status plat_guest_read(void *dst, gpa_t src, size_t len);
enum plat_status plat_guest_write(gpa_t dst, const void *src, size_t len);

/* --- vCPUs -------------------------------------------------------------------------------- */

/* Number of guest vCPUs (the SVSM's own CPU is not one of them). */
unsigned plat_vcpu_count(void);
/* Asks vCPU to stop at its next exit to the SVSM, save its state and park until resumed. */
void plat_vcpu_request_park(unsigned vcpu);
/* True once the vCPU has parked after the latest request. */
bool plat_vcpu_parked(unsigned vcpu);
/* Lets a parked vCPU return to the guest (with the state it parked with, or the state loaded by
 * plat_vcpu_load_state). */
void plat_vcpu_resume(unsigned vcpu);

/* A vCPU's complete architectural state as the platform saves it when the vCPU parks: opaque to
 * the migration core, which seals it, sends it, and loads it unchanged on the target. */
#define PLAT_VCPU_STATE_MAX 1024U
/* Copies a parked vCPU's state; *len gets its size. */
enum plat_status plat_vcpu_save_state(unsigned vcpu, void *buf, size_t cap, size_t *len);
/* Loads state into a vCPU that is not running (target side); validates it first, so state
 * that could escape the guest's privilege level is refused (PLAT_ERR_INPUT). */
enum plat_status plat_vcpu_load_state(unsigned vcpu, const void *buf, size_t len);
/* Starts a vCPU that has never run here from the state loaded by plat_vcpu_load_state. */
void plat_vcpu_start_loaded(unsigned vcpu);
/* Sends an interrupt to a CPU of the SVSM (guest vCPU or the SVSM's own). */
void plat_send_ipi(unsigned cpu, uint8_t vector);

/* --- Time, entropy, attestation, end ------------------------------------------------------ */

/* Monotonic nanoseconds since an arbitrary start. */
uint64_t plat_time_ns(void);
/* Hardware entropy (RDSEED, falling back to RDRAND) with bounded retries. */
enum plat_status plat_get_entropy(void *buf, size_t len);

#define PLAT_REPORT_DATA_LEN 64
#define PLAT_REPORT_LEN	     1184
/* An SEV-SNP ATTESTATION_REPORT for the SVSM (VMPL0) with the given REPORT_DATA. */
enum plat_status plat_attest_report(const uint8_t report_data[PLAT_REPORT_DATA_LEN],
				    uint8_t report[PLAT_REPORT_LEN]);
/* The certificates that verify the report: VCEK (DER), then the ASK/ARK chain (PEM). */
enum plat_status plat_attest_certs(const uint8_t **vcek_der, size_t *vcek_len,
				   const uint8_t **chain_pem, size_t *chain_len);
/* True where reports come from the emulated PSP: they prove the code path, not security. */
bool plat_attest_is_emulated(void);

/* Stops the whole VM; on SNP through the GHCB termination request. */
noreturn void plat_terminate(unsigned reason);

#endif
