/* SPDX-License-Identifier: MIT */
/*
 * The hosted platform's memory, RMP model, time, entropy and attestation (vCPUs: vcpu.c).
 *
 * Physical memory is one file on tmpfs whose offset is the GPA, mapped twice:
 *   - the SVSM view (all of it), through which the SVSM and the migration handler touch guest
 *     memory (plat_guest_read/write) and its own region (the MigrationPage, the policy page);
 *   - the guest view of guest RAM [LAYOUT_SVSM_REGION_END, ram_size), the only memory the vCPU
 *     threads use. Changing the guest's permissions changes this view only.
 *
 * Guest permissions are kept per page and enforced with userfaultfd on the guest view, not with
 * mprotect: mprotect splits a VMA at every change of protection, so per-page write protection for
 * dirty tracking could need one mapping per page and run into vm.max_map_count (65530). The
 * guest view is one VMA for its whole life, registered for minor faults and write protection:
 *   NONE  the page's PTE is zapped (MADV_DONTNEED keeps the tmpfs page), so any access faults;
 *   R(X)  the page is mapped write-protected (UFFDIO_CONTINUE in WP mode, or UFFDIO_WRITEPROTECT),
 *         or, when a whole range is changed, unmapped and mapped so on its next access;
 *   RW(X) the page is mapped writable. X is recorded but not enforced: no guest code runs from
 *         guest memory here.
 * A fault is delivered to the platform's fault thread, never as a signal: it maps the page if the
 * current permission allows the access; with write tracking on, a write to a page the handler
 * made RX marks it dirty and makes it RWX (the hosted half of pre-copy, design §10); otherwise
 * it leaves the vCPU thread blocked in the kernel until a later grant wakes it. That is the hosted
 * picture of an RMP violation: the vCPU makes no progress and reaches no safe point. Every
 * permission change and every fault resolution happens under one lock, so a resolution can never
 * undo a newer revocation.
 *
 * plat_flush_tlb_all() is a barrier only: each change above is complete, for every thread of the
 * process, when its ioctl or madvise returns (the kernel flushes the TLBs itself).
 */
#include "svsm/plat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "svsm/arch/x86/entropy.h"
#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/crypto/emu_psp.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/mm/bitmap.h"
#include "svsm/mm/memmap.h"

#include "hosted.h"
#include "igvm/igvm.h"

/* Linux 6.5 ABI; the installed headers may predate it. */
#ifndef UFFDIO_CONTINUE_MODE_WP
#define UFFDIO_CONTINUE_MODE_WP ((__u64)1 << 1)
#endif

#define PAGE_VALIDATED 0x80U
#define PAGE_PERM_MASK 0x07U
#define PERM_READ      0x01U
#define PERM_WRITE     0x02U
#define PERM_EXEC      0x04U /* kept, not enforced: no guest code runs from guest memory */
#define PERM_TRACKED   (PERM_READ | PERM_EXEC) /* RX: write-protected by the handler */
/* A range permission change holds the lock for at most this many pages at a time (2 MiB, tens
 * of microseconds), so the guest's faults are not held up for the whole range. */
#define RANGE_CHUNK_PAGES 512U

#define UFFD_FEATURES (UFFD_FEATURE_MINOR_SHMEM | UFFD_FEATURE_WP_HUGETLBFS_SHMEM)
#define UFFD_NEEDED_IOCTLS                                                                         \
	((1ULL << _UFFDIO_WAKE) | (1ULL << _UFFDIO_CONTINUE) | (1ULL << _UFFDIO_WRITEPROTECT))

struct hosted_memory {
	int fd;
	uint64_t ram_size;
	uint8_t *svsm_view;  /* [0, ram_size) */
	uint8_t *guest_view; /* [LAYOUT_SVSM_REGION_END, ram_size) */
	uint64_t guest_bytes;
	int uffd;
	int stop_fd;
	pthread_t fault_thread;
	bool fault_thread_running;
	pthread_mutex_t lock;	/* permission changes and fault resolution */
	_Atomic uint8_t *pages; /* per page of [0, ram_size): PAGE_VALIDATED | permission */
	_Atomic uint64_t blocked_faults;
	_Atomic uint64_t last_blocked_gpa;
	/* The handler's dirty bitmap while write tracking is on (under lock). */
	struct bitmap *dirty;
	uint8_t measurement[HOSTED_MEASUREMENT_LEN];
	bool created;
};

static struct hosted_memory mem = {.fd = -1, .uffd = -1, .stop_fd = -1};

const char *hosted_status_str(enum hosted_status status)
{
	switch (status) {
	case HOSTED_OK:
		return "ok";
	case HOSTED_ERR_RAM_SIZE:
		return "RAM size must be a multiple of 2 MiB, above the 64 MiB SVSM region, at "
		       "most "
		       "4 GiB";
	case HOSTED_ERR_VCPUS:
		return "vCPU count must be 1..15";
	case HOSTED_ERR_FILE:
		return "cannot create, size or map the memory file";
	case HOSTED_ERR_NOT_SHMEM:
		return "the memory file must be on tmpfs (for example under /dev/shm)";
	case HOSTED_ERR_USERFAULTFD:
		return "userfaultfd with shmem minor faults and write protection is unavailable";
	case HOSTED_ERR_MEMMAP:
		return "the memory map does not parse";
	case HOSTED_ERR_THREAD:
		return "cannot create a thread";
	}
	return "unknown hosted status";
}

const char *plat_name(void)
{
	return "hosted";
}

/* --- Memory file and views ------------------------------------------------------------------ */

/* Checked on the directory before the file is opened, so a wrong path truncates nothing. */
static enum hosted_status check_tmpfs_dir(const char *path, int *err)
{
	char dir[PATH_MAX];
	struct statfs fs;
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else if ((size_t)(slash - path) >= sizeof(dir)) {
		*err = ENAMETOOLONG;
		return HOSTED_ERR_FILE;
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	if (statfs(dir, &fs) != 0) {
		*err = errno;
		return HOSTED_ERR_FILE;
	}
	return fs.f_type == TMPFS_MAGIC ? HOSTED_OK : HOSTED_ERR_NOT_SHMEM;
}

static enum hosted_status open_memory_file(const char *path, uint64_t size, int *err)
{
	enum hosted_status s = check_tmpfs_dir(path, err);

	if (s != HOSTED_OK) {
		return s;
	}
	mem.fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (mem.fd < 0) {
		*err = errno;
		return HOSTED_ERR_FILE;
	}
	/* Allocated up front: a guest-view access must always find the page in the page cache,
	 * so that it takes a minor fault we control instead of silently allocating a page. */
	if (ftruncate(mem.fd, (off_t)size) != 0 || fallocate(mem.fd, 0, 0, (off_t)size) != 0) {
		*err = errno;
		return HOSTED_ERR_FILE;
	}
	return HOSTED_OK;
}

static enum hosted_status map_views(int *err)
{
	void *svsm = mmap(NULL, mem.ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, mem.fd, 0);
	void *guest;

	if (svsm == MAP_FAILED) {
		*err = errno;
		return HOSTED_ERR_FILE;
	}
	mem.svsm_view = svsm;
	guest = mmap(NULL, mem.guest_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, mem.fd,
		     (off_t)LAYOUT_SVSM_REGION_END);
	if (guest == MAP_FAILED) {
		*err = errno;
		return HOSTED_ERR_FILE;
	}
	mem.guest_view = guest;
	return HOSTED_OK;
}

static enum hosted_status open_userfaultfd(int *err)
{
	struct uffdio_api api = {.api = UFFD_API, .features = UFFD_FEATURES};
	struct uffdio_register reg = {
	    .range = {.start = (uintptr_t)mem.guest_view, .len = mem.guest_bytes},
	    .mode = UFFDIO_REGISTER_MODE_MINOR | UFFDIO_REGISTER_MODE_WP,
	};

	mem.uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (mem.uffd < 0) {
		*err = errno;
		return HOSTED_ERR_USERFAULTFD;
	}
	if (ioctl(mem.uffd, UFFDIO_API, &api) != 0 ||
	    (api.features & UFFD_FEATURES) != UFFD_FEATURES) {
		*err = errno;
		return HOSTED_ERR_USERFAULTFD;
	}
	if (ioctl(mem.uffd, UFFDIO_REGISTER, &reg) != 0 ||
	    (reg.ioctls & UFFD_NEEDED_IOCTLS) != UFFD_NEEDED_IOCTLS) {
		*err = errno;
		return HOSTED_ERR_USERFAULTFD;
	}
	mem.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (mem.stop_fd < 0) {
		*err = errno;
		return HOSTED_ERR_USERFAULTFD;
	}
	return HOSTED_OK;
}

uint8_t *hosted_guest_view(gpa_t gpa, uint64_t len)
{
	uint64_t addr = gpa_addr(gpa);

	if (addr < LAYOUT_SVSM_REGION_END || len > mem.ram_size || addr > mem.ram_size - len) {
		return NULL;
	}
	return mem.guest_view + (addr - LAYOUT_SVSM_REGION_END);
}

void *hosted_svsm_ptr(uint64_t gpa, uint64_t len)
{
	if (!mem.created || len > LAYOUT_SVSM_REGION_END || gpa > LAYOUT_SVSM_REGION_END - len) {
		return NULL;
	}
	return mem.svsm_view + gpa;
}

/* --- Guest-view protection (callers hold mem.lock) ------------------------------------------ */

static uint8_t page_state(uint64_t pfn)
{
	return atomic_load_explicit(&mem.pages[pfn], memory_order_acquire);
}

static uint8_t *view_ptr(uint64_t pfn)
{
	return mem.guest_view + (pfn * PAGE_SIZE - LAYOUT_SVSM_REGION_END);
}

/* userfaultfd ranges are integers. */
static uintptr_t view_addr(uint64_t pfn)
{
	return (uintptr_t)view_ptr(pfn);
}

/* The VM is being destroyed: nothing enforces permissions on the guest view any more, and a vCPU
 * thread that still changes one (validating its region, say) must not fail for it. */
static bool view_unenforced(void)
{
	return mem.uffd < 0;
}

/* Maps the page into the guest view, write-protected or not, and wakes whoever waits on it. */
static bool map_page_locked(uint64_t pfn, bool write_protect)
{
	struct uffdio_continue cont = {
	    .range = {.start = view_addr(pfn), .len = PAGE_SIZE},
	    .mode = write_protect ? UFFDIO_CONTINUE_MODE_WP : 0,
	};
	struct uffdio_writeprotect wp = {
	    .range = {.start = view_addr(pfn), .len = PAGE_SIZE},
	    .mode = write_protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	if (view_unenforced()) {
		return true;
	}
	for (;;) {
		if (ioctl(mem.uffd, UFFDIO_CONTINUE, &cont) == 0) {
			return true;
		}
		if (errno == EEXIST) {
			break;
		}
		if (errno != EAGAIN) {
			LOG_ERROR("hosted: UFFDIO_CONTINUE at %#llx: %s\n",
				  (unsigned long long)(pfn * PAGE_SIZE), strerror(errno));
			return false;
		}
	}
	/* Already mapped: only the write protection changes (and a grant wakes waiters). */
	for (;;) {
		if (ioctl(mem.uffd, UFFDIO_WRITEPROTECT, &wp) == 0) {
			return true;
		}
		if (errno != EAGAIN) {
			LOG_ERROR("hosted: UFFDIO_WRITEPROTECT at %#llx: %s\n",
				  (unsigned long long)(pfn * PAGE_SIZE), strerror(errno));
			return false;
		}
	}
}

static bool apply_perm_locked(uint64_t pfn, uint8_t perm)
{
	uint8_t state = page_state(pfn);

	atomic_store_explicit(&mem.pages[pfn], (uint8_t)((state & PAGE_VALIDATED) | perm),
			      memory_order_release);
	if ((perm & PERM_READ) == 0) {
		/* A shared mapping: this drops the PTE only, never the page's contents. */
		return madvise(view_ptr(pfn), PAGE_SIZE, MADV_DONTNEED) == 0;
	}
	return map_page_locked(pfn, (perm & PERM_WRITE) == 0);
}

/*
 * The same for pages [first, first + n), every one validated, with one system call for the run.
 * A run that loses write access is unmapped rather than write-protected: its pages come back one
 * by one on the guest's next access (a minor fault resolved under the new permission), so the
 * guest view only ever maps what the guest touched since. Revoking the whole guest at the
 * checkpoint then costs in proportion to what it touched in the last round, not to its RAM:
 * unmapping or write-protecting 1 GiB of 4 KiB PTEs takes the kernel about 20-30 ms here. A read
 * grant also wakes waiters, which fault again and find the new permission.
 */
static bool apply_perm_run_locked(uint64_t first, uint64_t n, uint8_t perm)
{
	struct uffdio_range range = {.start = view_addr(first), .len = n * PAGE_SIZE};
	struct uffdio_writeprotect grant = {.range = range, .mode = 0};

	for (uint64_t i = 0; i < n; i++) {
		atomic_store_explicit(&mem.pages[first + i], (uint8_t)(PAGE_VALIDATED | perm),
				      memory_order_release);
	}
	if (view_unenforced()) {
		return true;
	}
	if ((perm & PERM_WRITE) == 0) {
		/* A shared mapping: this drops PTEs only, never the pages' contents. */
		if (madvise(view_ptr(first), range.len, MADV_DONTNEED) != 0) {
			return false;
		}
		return (perm & PERM_READ) == 0 || ioctl(mem.uffd, UFFDIO_WAKE, &range) == 0;
	}
	/* Mapped pages lose their write protection; waiters are woken. */
	while (ioctl(mem.uffd, UFFDIO_WRITEPROTECT, &grant) != 0) {
		if (errno != EAGAIN) {
			LOG_ERROR("hosted: UFFDIO_WRITEPROTECT of %llu pages at %#llx: %s\n",
				  (unsigned long long)n, (unsigned long long)(first * PAGE_SIZE),
				  strerror(errno));
			return false;
		}
	}
	return true;
}

static bool access_allowed(uint8_t state, bool write)
{
	uint8_t need = write ? PERM_WRITE : PERM_READ;

	return (state & PAGE_VALIDATED) != 0 && (state & need) != 0;
}

/* Write tracking: the page goes into the dirty bitmap before it becomes writable, so the
 * handler can never find it writable and clean. */
static void track_write_locked(uint64_t pfn)
{
	bitmap_test_and_set_atomic(mem.dirty, pfn);
	(void)apply_perm_locked(pfn, PERM_READ | PERM_WRITE | PERM_EXEC);
}

void plat_write_tracking_start(struct bitmap *dirty)
{
	pthread_mutex_lock(&mem.lock);
	mem.dirty = dirty;
	pthread_mutex_unlock(&mem.lock);
}

void plat_write_tracking_stop(void)
{
	pthread_mutex_lock(&mem.lock);
	mem.dirty = NULL;
	pthread_mutex_unlock(&mem.lock);
}

static void resolve_fault(const struct uffd_msg *msg)
{
	uint64_t addr = msg->arg.pagefault.address;
	bool write =
	    (msg->arg.pagefault.flags & (UFFD_PAGEFAULT_FLAG_WRITE | UFFD_PAGEFAULT_FLAG_WP)) != 0;
	uint64_t pfn;
	uint8_t state;

	CHECK(addr >= (uintptr_t)mem.guest_view &&
	      addr - (uintptr_t)mem.guest_view < mem.guest_bytes);
	pfn = (addr - (uintptr_t)mem.guest_view + LAYOUT_SVSM_REGION_END) >> PAGE_SHIFT;
	pthread_mutex_lock(&mem.lock);
	state = page_state(pfn);
	if (access_allowed(state, write)) {
		(void)map_page_locked(pfn, (state & PERM_WRITE) == 0);
	} else if (write && mem.dirty != NULL && (state & PAGE_VALIDATED) != 0 &&
		   (state & PAGE_PERM_MASK) == PERM_TRACKED) {
		track_write_locked(pfn);
	} else {
		/* The vCPU stays blocked until a permission change wakes it. */
		atomic_fetch_add_explicit(&mem.blocked_faults, 1, memory_order_relaxed);
		atomic_store_explicit(&mem.last_blocked_gpa, pfn * PAGE_SIZE, memory_order_relaxed);
	}
	pthread_mutex_unlock(&mem.lock);
}

static void *fault_thread_main(void *arg)
{
	struct pollfd fds[2] = {{.fd = mem.uffd, .events = POLLIN},
				{.fd = mem.stop_fd, .events = POLLIN}};

	(void)arg;
	for (;;) {
		struct uffd_msg msg;
		ssize_t n;

		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			PANIC("hosted: poll on userfaultfd: %s", strerror(errno));
		}
		if (fds[1].revents != 0) {
			return NULL;
		}
		while ((n = read(mem.uffd, &msg, sizeof(msg))) == (ssize_t)sizeof(msg)) {
			if (msg.event == UFFD_EVENT_PAGEFAULT) {
				resolve_fault(&msg);
			}
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			PANIC("hosted: read from userfaultfd: %s", strerror(errno));
		}
	}
}

uint64_t hosted_blocked_faults(void)
{
	return atomic_load_explicit(&mem.blocked_faults, memory_order_relaxed);
}

gpa_t hosted_last_blocked_gpa(void)
{
	return gpa_init(atomic_load_explicit(&mem.last_blocked_gpa, memory_order_relaxed));
}

enum hosted_page_access hosted_page_access(gpa_t page)
{
	uint8_t state;

	if (!guest_mem_is_ram(page, PAGE_SIZE)) {
		return HOSTED_ACCESS_NONE;
	}
	state = page_state(gpa_pfn(page));
	if ((state & PAGE_VALIDATED) == 0 || (state & PERM_READ) == 0) {
		return HOSTED_ACCESS_NONE;
	}
	return (state & PERM_WRITE) != 0 ? HOSTED_ACCESS_WRITE : HOSTED_ACCESS_READ;
}

/* --- VM creation ---------------------------------------------------------------------------- */

/* The IGVM memory-map parameter page a loader would write: all of [0, ram_size) is RAM. */
static enum hosted_status init_guest_mem(void)
{
	static uint8_t page[PAGE_SIZE];
	static struct memmap map;
	struct igvm_memory_map_entry entry = {
	    .starting_gpa_page_number = 0,
	    .number_of_pages = mem.ram_size / PAGE_SIZE,
	    .entry_type = IGVM_MEMORY_MAP_MEMORY,
	};

	memset(page, 0, sizeof(page));
	memcpy(page, &entry, sizeof(entry));
	if (memmap_parse(page, &map) != MEMMAP_OK) {
		return HOSTED_ERR_MEMMAP;
	}
	guest_mem_init(&map);
	return HOSTED_OK;
}

static enum hosted_status check_config(const struct hosted_config *config)
{
	if (config->ram_size <= LAYOUT_SVSM_REGION_END || config->ram_size > GUEST_MEM_MAX_BYTES ||
	    !IS_ALIGNED(config->ram_size, HUGE_PAGE_SIZE)) {
		return HOSTED_ERR_RAM_SIZE;
	}
	if (config->vcpus == 0 || config->vcpus > HOSTED_MAX_VCPUS) {
		return HOSTED_ERR_VCPUS;
	}
	return HOSTED_OK;
}

static enum hosted_status create_all(const struct hosted_config *config, int *err)
{
	enum hosted_status s = check_config(config);

	if (s != HOSTED_OK) {
		return s;
	}
	mem.ram_size = config->ram_size;
	mem.guest_bytes = config->ram_size - LAYOUT_SVSM_REGION_END;
	memcpy(mem.measurement, config->measurement, sizeof(mem.measurement));
	mem.pages = calloc(mem.ram_size / PAGE_SIZE, sizeof(*mem.pages));
	if (mem.pages == NULL) {
		*err = ENOMEM;
		return HOSTED_ERR_FILE;
	}
	s = open_memory_file(config->memory_file, config->ram_size, err);
	if (s == HOSTED_OK) {
		s = map_views(err);
	}
	if (s == HOSTED_OK) {
		s = open_userfaultfd(err);
	}
	if (s == HOSTED_OK) {
		s = init_guest_mem();
	}
	if (s != HOSTED_OK) {
		return s;
	}
	if (pthread_create(&mem.fault_thread, NULL, fault_thread_main, NULL) != 0) {
		return HOSTED_ERR_THREAD;
	}
	mem.fault_thread_running = true;
	return HOSTED_OK;
}

/* Closing the userfaultfd releases any thread still blocked on a fault: its access then goes
 * through as on an unregistered mapping. */
static void stop_fault_handling(void)
{
	uint64_t one = 1;

	if (mem.fault_thread_running) {
		CHECK(write(mem.stop_fd, &one, sizeof(one)) == (ssize_t)sizeof(one));
		pthread_join(mem.fault_thread, NULL);
		mem.fault_thread_running = false;
	}
	/* Under the lock: a vCPU thread still validating its region sees either the open
	 * userfaultfd or none (view_unenforced()), never a closed one. */
	pthread_mutex_lock(&mem.lock);
	if (mem.uffd >= 0) {
		close(mem.uffd);
		mem.uffd = -1;
	}
	pthread_mutex_unlock(&mem.lock);
}

static void release_all(void)
{
	stop_fault_handling();
	if (mem.stop_fd >= 0) {
		close(mem.stop_fd);
	}
	if (mem.guest_view != NULL) {
		munmap(mem.guest_view, mem.guest_bytes);
	}
	if (mem.svsm_view != NULL) {
		munmap(mem.svsm_view, mem.ram_size);
	}
	if (mem.fd >= 0) {
		close(mem.fd);
	}
	free(mem.pages);
	pthread_mutex_destroy(&mem.lock);
	mem = (struct hosted_memory){.fd = -1, .uffd = -1, .stop_fd = -1};
}

enum hosted_status hosted_vm_create(const struct hosted_config *config, int *errno_out)
{
	enum hosted_status s;
	int err = 0;

	CHECK(!mem.created);
	pthread_mutex_init(&mem.lock, NULL);
	s = create_all(config, &err);
	*errno_out = err;
	if (s != HOSTED_OK) {
		release_all();
		return s;
	}
	mem.created = true;
	hosted_vcpus_init(config->vcpus);
	return HOSTED_OK;
}

void hosted_vm_destroy(void)
{
	if (!mem.created) {
		return;
	}
	/* First release vCPUs blocked on a fault, so that every one reaches a point where it
	 * sees the stop request. */
	stop_fault_handling();
	hosted_vcpus_shutdown();
	release_all();
}

/* --- The RMP model -----------------------------------------------------------------------------
 */

static bool is_guest_page_range(gpa_t gpa, uint64_t bytes)
{
	return mem.created && guest_mem_is_ram(gpa, bytes);
}

static uint64_t count_validated(uint64_t first, uint64_t pages)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < pages; i++) {
		n += (page_state(first + i) & PAGE_VALIDATED) != 0;
	}
	return n;
}

enum plat_status plat_pvalidate(gpa_t gpa, bool huge, bool validate)
{
	uint64_t pages = huge ? HUGE_PAGE_SIZE / PAGE_SIZE : 1;
	uint64_t first = gpa_pfn(gpa);
	enum plat_status s = PLAT_OK;
	uint64_t set;

	if (!IS_ALIGNED(gpa_addr(gpa), huge ? HUGE_PAGE_SIZE : PAGE_SIZE) ||
	    !is_guest_page_range(gpa, pages * PAGE_SIZE)) {
		return PLAT_ERR_INPUT;
	}
	pthread_mutex_lock(&mem.lock);
	set = count_validated(first, pages);
	if (set == (validate ? pages : 0)) {
		s = PLAT_ERR_UNCHANGED;
	} else if (set != 0 && set != pages) {
		s = PLAT_ERR_SIZEMISMATCH;
	}
	for (uint64_t i = 0; i < pages && s == PLAT_OK; i++) {
		/* An invalid page is never accessible, whatever permission it had. */
		if (!validate && !apply_perm_locked(first + i, 0)) {
			s = PLAT_ERR_HARDWARE;
			break;
		}
		atomic_store_explicit(&mem.pages[first + i], validate ? PAGE_VALIDATED : 0,
				      memory_order_release);
	}
	pthread_mutex_unlock(&mem.lock);
	return s;
}

/* R = 1, W = 2, X = 4 as in enum plat_perm. X is kept (it tells the handler's RX from a real
 * revocation to R) but not enforced: no guest code runs from guest memory here. */
static bool perm_bits(enum plat_perm perm, uint8_t *out)
{
	static const bool known[8] = {
	    [PLAT_PERM_NONE] = true, [PLAT_PERM_R] = true,   [PLAT_PERM_RW] = true,
	    [PLAT_PERM_RX] = true,   [PLAT_PERM_RWX] = true,
	};

	if ((unsigned)perm >= ARRAY_SIZE(known) || !known[perm]) {
		return false;
	}
	*out = (uint8_t)perm;
	return true;
}

enum plat_status plat_set_guest_perm(gpa_t gpa, enum plat_perm perm)
{
	enum plat_status s = PLAT_OK;
	uint8_t bits = 0;

	if (!gpa_is_page_aligned(gpa) || !is_guest_page_range(gpa, PAGE_SIZE) ||
	    !perm_bits(perm, &bits)) {
		return PLAT_ERR_INPUT;
	}
	pthread_mutex_lock(&mem.lock);
	if ((page_state(gpa_pfn(gpa)) & PAGE_VALIDATED) == 0) {
		s = PLAT_ERR_PERMISSION;
	} else if (!apply_perm_locked(gpa_pfn(gpa), bits)) {
		s = PLAT_ERR_HARDWARE;
	}
	pthread_mutex_unlock(&mem.lock);
	return s;
}

/* Pages [first, first + pages): every run of validated pages with one call, skipping the rest. */
static enum plat_status apply_perm_range_locked(uint64_t first, uint64_t pages, uint8_t bits)
{
	uint64_t run = 0;

	for (uint64_t i = 0; i <= pages; i++) {
		if (i < pages && (page_state(first + i) & PAGE_VALIDATED) != 0) {
			run++;
			continue;
		}
		if (run != 0 && !apply_perm_run_locked(first + i - run, run, bits)) {
			return PLAT_ERR_HARDWARE;
		}
		run = 0;
	}
	return PLAT_OK;
}

enum plat_status plat_set_guest_perm_range(gpa_t start, uint64_t pages, enum plat_perm perm)
{
	enum plat_status s = PLAT_OK;
	uint8_t bits = 0;

	if (!gpa_is_page_aligned(start) || !perm_bits(perm, &bits) ||
	    pages > UINT64_MAX / PAGE_SIZE ||
	    (pages != 0 && !is_guest_page_range(start, pages * PAGE_SIZE))) {
		return PLAT_ERR_INPUT;
	}
	/* In chunks, so that the fault thread can serve a running guest in between. */
	for (uint64_t done = 0; done < pages && s == PLAT_OK; done += RANGE_CHUNK_PAGES) {
		pthread_mutex_lock(&mem.lock);
		s = apply_perm_range_locked(gpa_pfn(start) + done,
					    MIN(pages - done, (uint64_t)RANGE_CHUNK_PAGES), bits);
		pthread_mutex_unlock(&mem.lock);
	}
	return s;
}

void plat_flush_tlb_all(void)
{
	/* Every change was complete for all threads when its syscall returned (file comment). */
	atomic_thread_fence(memory_order_seq_cst);
}

/* The SVSM may touch only validated guest RAM; anything else would be a #VC on hardware. */
static bool guest_range_ok(gpa_t gpa, size_t len)
{
	uint64_t first;
	uint64_t last;

	if (len == 0 || !is_guest_page_range(gpa, len)) {
		return false;
	}
	first = gpa_pfn(gpa);
	last = (gpa_addr(gpa) + len - 1) >> PAGE_SHIFT;
	return count_validated(first, last - first + 1) == last - first + 1;
}

enum plat_status plat_guest_read(void *dst, gpa_t src, size_t len)
{
	if (!guest_range_ok(src, len)) {
		return PLAT_ERR_INPUT;
	}
	memcpy(dst, mem.svsm_view + gpa_addr(src), len);
	return PLAT_OK;
}

enum plat_status plat_guest_write(gpa_t dst, const void *src, size_t len)
{
	if (!guest_range_ok(dst, len)) {
		return PLAT_ERR_INPUT;
	}
	memcpy(mem.svsm_view + gpa_addr(dst), src, len);
	return PLAT_OK;
}

/* --- Time, entropy, attestation, end ------------------------------------------------------- */

uint64_t plat_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

enum plat_status plat_get_entropy(void *buf, size_t len)
{
	return x86_entropy_get(buf, len) == X86_ENTROPY_OK ? PLAT_OK : PLAT_ERR_ENTROPY;
}

enum plat_status plat_attest_report(const uint8_t report_data[PLAT_REPORT_DATA_LEN],
				    uint8_t report[PLAT_REPORT_LEN])
{
	/* The SVSM asks at VMPL0, as it does on the qemu platform. */
	if (emu_psp_report(mem.measurement, report_data, 0, report) != CRYPTO_OK) {
		return PLAT_ERR_HARDWARE;
	}
	return PLAT_OK;
}

enum plat_status plat_attest_certs(const uint8_t **vcek_der, size_t *vcek_len,
				   const uint8_t **chain_pem, size_t *chain_len)
{
	emu_psp_certs(vcek_der, vcek_len, chain_pem, chain_len);
	return PLAT_OK;
}

bool plat_attest_is_emulated(void)
{
	return true;
}

noreturn void plat_terminate(unsigned reason)
{
	fflush(stdout);
	fflush(stderr);
	_exit(reason > 255 ? 255 : (int)reason);
}
