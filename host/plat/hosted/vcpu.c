/* SPDX-License-Identifier: MIT */
/*
 * Hosted vCPUs: one thread each, running the deterministic workload on its region of guest
 * memory through the guest view. A vCPU's "registers" are struct vcpu_regs; the thread owns them
 * while it runs and the SVSM side reads or replaces them only while the vCPU sits at a safe point
 * (parked) or has never run.
 *
 * After its last step a vCPU may idle (idle_ns): it sleeps about 1 ms at a time, beats its
 * heartbeat after each sleep and writes nothing, then computes its checksum. Only the time
 * measured around those sleeps counts, so time parked or withheld does not, and the idle time
 * done so far travels in the state like the steps.
 *
 * Safe points are between two workload steps or idle beats: the thread checks its park request
 * before each, which is the hosted analogue of an interrupt bringing a vCPU into the SVSM. A vCPU
 * blocked on a guest-view fault (a page it may not touch, plat.c) is inside a step and cannot park,
 * like a vCPU the host withholds: plat_vcpu_parked() then stays false and the migration times out.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "svsm/check.h"
#include "svsm/core/guest_mem.h"
#include "svsm/le.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/protocol.h"
#include "svsm/workload.h"

#include "hosted.h"

#define REGS_FLAG_VALIDATED HOSTED_STATE_FLAG_VALIDATED
#define REGS_FLAG_DONE	    HOSTED_STATE_FLAG_DONE
#define REGS_FLAG_FAILED    HOSTED_STATE_FLAG_FAILED
#define REGS_FLAGS_KNOWN    (REGS_FLAG_VALIDATED | REGS_FLAG_DONE | REGS_FLAG_FAILED)
#define STATE_SIZE	    HOSTED_STATE_SIZE
/* Far above anything useful; it only keeps hostile rates out of the arithmetic. */
#define MAX_WRITES_PER_MS 1000000000ULL
/* Unthrottled vCPUs read the clock once every this many steps. */
#define BEAT_SAMPLE_MASK 255U
#define NS_PER_MS	 1000000ULL

_Static_assert(STATE_SIZE <= PLAT_VCPU_STATE_MAX, "vCPU state fits the migration buffer");

struct vcpu_regs {
	uint32_t flags;
	gpa_t region;
	uint64_t region_size;
	uint64_t seed;
	uint64_t max_steps;
	uint64_t writes_per_ms;
	struct workload work;
	uint64_t checksum;
	uint64_t last_beat_wall_ns; /* CLOCK_REALTIME: comparable across the two ends */
	uint64_t max_gap_ns;
	uint64_t idle_ns;      /* asked: idle running time after max_steps */
	uint64_t idle_done_ns; /* slept so far, at most idle_ns */
	uint64_t idle_beats;   /* heartbeats of the idle phase: the heartbeat is steps + these */
};

struct hosted_vcpu {
	unsigned index;
	bool thread_started;
	bool loaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	_Atomic uint32_t run;
	_Atomic uint32_t park_requested;
	_Atomic uint32_t stop_requested;
	_Atomic uint32_t withheld;
	_Atomic uint64_t heartbeat;
	struct vcpu_regs regs;
	/* Throttle epoch, restarted after every park so that a resumed vCPU does not burst. */
	uint64_t rate_start_ns;
	uint64_t rate_start_steps;
};

static struct hosted_vcpu vcpus[HOSTED_MAX_VCPUS];
static unsigned nr_vcpus;

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t handler_wake = PTHREAD_COND_INITIALIZER;
static uint64_t handler_ipis;

const char *hosted_vcpu_run_str(enum hosted_vcpu_run run)
{
	static const char *const names[] = {"offline", "booting", "running", "parked",
					    "done",    "failed",  "stopped", "idle"};

	return (unsigned)run < ARRAY_SIZE(names) ? names[run] : "unknown";
}

static struct hosted_vcpu *vcpu_get(unsigned index)
{
	CHECK(index < nr_vcpus);
	return &vcpus[index];
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void set_run(struct hosted_vcpu *v, enum hosted_vcpu_run run)
{
	atomic_store_explicit(&v->run, (uint32_t)run, memory_order_release);
}

static bool flag(_Atomic uint32_t *f)
{
	return atomic_load_explicit(f, memory_order_acquire) != 0;
}

/* Changes a request flag under the vCPU's lock, so a thread about to wait cannot miss it. */
static void set_request(struct hosted_vcpu *v, _Atomic uint32_t *f, uint32_t value)
{
	pthread_mutex_lock(&v->lock);
	atomic_store_explicit(f, value, memory_order_release);
	pthread_cond_broadcast(&v->wake);
	pthread_mutex_unlock(&v->lock);
}

/* --- The guest side ----------------------------------------------------------------------- */

static uint64_t *region_words(const struct vcpu_regs *r)
{
	uint8_t *p = hosted_guest_view(r->region, r->region_size);

	CHECK(p != NULL);
	return (uint64_t *)(void *)p;
}

/* What the real guest does first: PVALIDATE its region through the SVSM's service. */
static bool validate_region(struct hosted_vcpu *v)
{
	for (uint64_t off = 0; off < v->regs.region_size; off += PAGE_SIZE) {
		gpa_t page = gpa_add(v->regs.region, off);
		uint64_t result;

		if (flag(&v->stop_requested)) {
			return false; /* the VM is going away */
		}
		result = guest_mem_pvalidate(page, false, true, false);

		if (result != SVSM_SUCCESS) {
			LOG_WARN("hosted: vcpu %u: PVALIDATE %#llx failed (%#llx): guest stopped\n",
				 v->index, (unsigned long long)gpa_addr(page),
				 (unsigned long long)result);
			return false;
		}
	}
	return true;
}

static bool region_still_validated(const struct hosted_vcpu *v)
{
	for (uint64_t off = 0; off < v->regs.region_size; off += PAGE_SIZE) {
		if (!guest_mem_validated(gpa_add(v->regs.region, off))) {
			LOG_WARN("hosted: vcpu %u: loaded state uses %#llx, which is not validated "
				 "here: guest stopped\n",
				 v->index, (unsigned long long)gpa_addr(v->regs.region) + off);
			return false;
		}
	}
	return true;
}

static enum hosted_vcpu_run boot(struct hosted_vcpu *v)
{
	struct vcpu_regs *r = &v->regs;

	if ((r->flags & REGS_FLAG_FAILED) != 0) {
		return HOSTED_VCPU_FAILED;
	}
	if ((r->flags & REGS_FLAG_VALIDATED) != 0) {
		if (!region_still_validated(v)) {
			r->flags |= REGS_FLAG_FAILED;
			return HOSTED_VCPU_FAILED;
		}
	} else {
		set_run(v, HOSTED_VCPU_BOOTING);
		if (!validate_region(v)) {
			r->flags |= REGS_FLAG_FAILED;
			return HOSTED_VCPU_FAILED;
		}
		r->flags |= REGS_FLAG_VALIDATED;
	}
	return (r->flags & REGS_FLAG_DONE) != 0 ? HOSTED_VCPU_DONE : HOSTED_VCPU_RUNNING;
}

static void restart_throttle(struct hosted_vcpu *v)
{
	v->rate_start_ns = clock_ns(CLOCK_MONOTONIC);
	v->rate_start_steps = v->regs.work.steps;
}

/* True when the vCPU may take its next step now; otherwise it slept a little (at most 1 ms,
 * so that a park request is still seen promptly). The rate is a ceiling: at most 1 ms of
 * backlog is made up. */
static bool throttle_allows_step(struct hosted_vcpu *v)
{
	uint64_t rate = v->regs.writes_per_ms;
	uint64_t due;
	uint64_t now;
	struct timespec pause;

	if (rate == 0) {
		return true;
	}
	due = v->rate_start_ns + (v->regs.work.steps - v->rate_start_steps) * NS_PER_MS / rate;
	now = clock_ns(CLOCK_MONOTONIC);
	if (now >= due) {
		/* A vCPU the host did not run for a while does not catch up in a burst. */
		if (now - due > NS_PER_MS) {
			restart_throttle(v);
		}
		return true;
	}
	pause.tv_sec = 0;
	pause.tv_nsec = (long)MIN(due - now, NS_PER_MS);
	nanosleep(&pause, NULL);
	return false;
}

static uint64_t heartbeat_of(const struct vcpu_regs *r)
{
	return r->work.steps + r->idle_beats;
}

/* Records the heartbeat and, if `sample`, the largest wall-clock gap between two sampled
 * heartbeats. */
static void beat(struct hosted_vcpu *v, bool sample)
{
	struct vcpu_regs *r = &v->regs;
	uint64_t now;

	atomic_store_explicit(&v->heartbeat, heartbeat_of(r), memory_order_release);
	if (!sample) {
		return;
	}
	now = clock_ns(CLOCK_REALTIME);
	if (r->last_beat_wall_ns != 0 && now > r->last_beat_wall_ns) {
		r->max_gap_ns = MAX(r->max_gap_ns, now - r->last_beat_wall_ns);
	}
	r->last_beat_wall_ns = now;
}

static void finish(struct hosted_vcpu *v)
{
	struct vcpu_regs *r = &v->regs;

	r->checksum = workload_checksum(region_words(r), r->region_size / WORKLOAD_WORD_SIZE);
	r->flags |= REGS_FLAG_DONE;
	set_run(v, HOSTED_VCPU_DONE);
}

static bool must_stop_stepping(struct hosted_vcpu *v)
{
	return flag(&v->park_requested) || flag(&v->withheld) || flag(&v->stop_requested);
}

/* After the last step: the idle phase if there is idle time left, else the end. */
static void end_steps(struct hosted_vcpu *v)
{
	if (v->regs.idle_done_ns < v->regs.idle_ns) {
		set_run(v, HOSTED_VCPU_IDLE);
	} else {
		finish(v);
	}
}

static void run_steps(struct hosted_vcpu *v)
{
	struct vcpu_regs *r = &v->regs;
	uint64_t *words = region_words(r);
	uint64_t count = r->region_size / WORKLOAD_WORD_SIZE;

	while (!must_stop_stepping(v)) {
		if (r->max_steps != 0 && r->work.steps >= r->max_steps) {
			end_steps(v);
			return;
		}
		if (!throttle_allows_step(v)) {
			continue;
		}
		workload_step(&r->work, words, count);
		beat(v, r->writes_per_ms != 0 || (r->work.steps & BEAT_SAMPLE_MASK) == 0);
	}
}

/* Sleeps of at most 1 ms, one heartbeat (and gap sample) after each, nothing written. Only the
 * sleeps are measured: a park or a withholding falls between two of them and does not count. */
static void run_idle(struct hosted_vcpu *v)
{
	struct vcpu_regs *r = &v->regs;

	while (!must_stop_stepping(v)) {
		uint64_t left;
		uint64_t start;
		uint64_t slept;
		struct timespec pause;

		if (r->idle_done_ns >= r->idle_ns) {
			finish(v);
			return;
		}
		left = r->idle_ns - r->idle_done_ns;
		pause.tv_sec = 0;
		pause.tv_nsec = (long)MIN(left, NS_PER_MS);
		start = clock_ns(CLOCK_MONOTONIC);
		nanosleep(&pause, NULL);
		slept = clock_ns(CLOCK_MONOTONIC) - start;
		/* Never past what was asked, and at least 1 ns a beat (idle_beats <= idle_done_ns):
		 * both are what the loaded state is checked against. */
		r->idle_done_ns += MIN(MAX(slept, (uint64_t)1), left);
		r->idle_beats++;
		beat(v, true);
	}
}

/* Where a vCPU waits with its state saved: withheld by the host, or parked by the SVSM. */
static void safe_point(struct hosted_vcpu *v)
{
	enum hosted_vcpu_run before = atomic_load_explicit(&v->run, memory_order_acquire);

	pthread_mutex_lock(&v->lock);
	while (flag(&v->withheld) && !flag(&v->stop_requested)) {
		pthread_cond_wait(&v->wake, &v->lock);
	}
	if (flag(&v->park_requested) && !flag(&v->stop_requested)) {
		set_run(v, HOSTED_VCPU_PARKED);
		while (flag(&v->park_requested) && !flag(&v->stop_requested)) {
			pthread_cond_wait(&v->wake, &v->lock);
		}
		set_run(v, before);
		restart_throttle(v);
	}
	pthread_mutex_unlock(&v->lock);
}

static void wait_done(struct hosted_vcpu *v)
{
	pthread_mutex_lock(&v->lock);
	while (!must_stop_stepping(v)) {
		pthread_cond_wait(&v->wake, &v->lock);
	}
	pthread_mutex_unlock(&v->lock);
}

static void *vcpu_main(void *arg)
{
	struct hosted_vcpu *v = arg;

	set_run(v, boot(v));
	restart_throttle(v);
	while (!flag(&v->stop_requested)) {
		enum hosted_vcpu_run run = atomic_load_explicit(&v->run, memory_order_acquire);

		if (flag(&v->park_requested) || flag(&v->withheld)) {
			safe_point(v);
		} else if (run == HOSTED_VCPU_RUNNING) {
			run_steps(v);
		} else if (run == HOSTED_VCPU_IDLE) {
			run_idle(v);
		} else {
			wait_done(v);
		}
	}
	set_run(v, HOSTED_VCPU_STOPPED);
	return NULL;
}

static bool start_thread(struct hosted_vcpu *v)
{
	if (pthread_create(&v->thread, NULL, vcpu_main, v) != 0) {
		LOG_ERROR("hosted: cannot create the thread of vcpu %u\n", v->index);
		return false;
	}
	v->thread_started = true;
	return true;
}

/* --- The SVSM side ------------------------------------------------------------------------ */

void hosted_vcpus_init(unsigned count)
{
	CHECK(count <= HOSTED_MAX_VCPUS);
	nr_vcpus = count;
	for (unsigned i = 0; i < count; i++) {
		struct hosted_vcpu *v = &vcpus[i];

		memset(v, 0, sizeof(*v));
		v->index = i;
		pthread_mutex_init(&v->lock, NULL);
		pthread_cond_init(&v->wake, NULL);
	}
	pthread_mutex_lock(&handler_lock);
	handler_ipis = 0;
	pthread_mutex_unlock(&handler_lock);
}

void hosted_vcpus_shutdown(void)
{
	for (unsigned i = 0; i < nr_vcpus; i++) {
		set_request(&vcpus[i], &vcpus[i].stop_requested, 1);
	}
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct hosted_vcpu *v = &vcpus[i];

		if (v->thread_started) {
			pthread_join(v->thread, NULL);
			v->thread_started = false;
		}
		pthread_cond_destroy(&v->wake);
		pthread_mutex_destroy(&v->lock);
	}
	nr_vcpus = 0;
}

static bool region_usable(gpa_t region, uint64_t size)
{
	return size != 0 && gpa_is_page_aligned(region) && IS_ALIGNED(size, PAGE_SIZE) &&
	       guest_mem_is_ram(region, size);
}

/* An idle phase follows the last step, so it needs one; the heartbeat (steps + idle beats, each
 * beat at least 1 ns of idle time) must not wrap. */
static bool idle_usable(uint64_t max_steps, uint64_t idle_ns)
{
	return idle_ns == 0 || (idle_ns <= HOSTED_MAX_IDLE_NS && max_steps != 0 &&
				max_steps <= UINT64_MAX - idle_ns);
}

bool hosted_vcpu_launch(unsigned index, const struct hosted_guest_params *p)
{
	struct hosted_vcpu *v = vcpu_get(index);

	if (atomic_load_explicit(&v->run, memory_order_acquire) != HOSTED_VCPU_OFFLINE ||
	    v->thread_started || !region_usable(p->region, p->region_size) ||
	    p->writes_per_ms > MAX_WRITES_PER_MS || !idle_usable(p->max_steps, p->idle_ns)) {
		return false;
	}
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.region = p->region;
	v->regs.region_size = p->region_size;
	v->regs.seed = p->seed;
	v->regs.max_steps = p->max_steps;
	v->regs.writes_per_ms = p->writes_per_ms;
	v->regs.idle_ns = p->idle_ns;
	workload_init(&v->regs.work, p->seed);
	return start_thread(v);
}

enum hosted_vcpu_run hosted_vcpu_run_state(unsigned index)
{
	return atomic_load_explicit(&vcpu_get(index)->run, memory_order_acquire);
}

uint64_t hosted_vcpu_heartbeat(unsigned index)
{
	return atomic_load_explicit(&vcpu_get(index)->heartbeat, memory_order_acquire);
}

void hosted_vcpu_result(unsigned index, struct hosted_vcpu_result *out)
{
	const struct vcpu_regs *r = &vcpu_get(index)->regs;

	out->seed = r->seed;
	out->steps = r->work.steps;
	out->region_size = r->region_size;
	out->checksum = r->checksum;
	out->max_gap_ns = r->max_gap_ns;
	out->idle_ns = r->idle_ns;
	out->idle_done_ns = r->idle_done_ns;
	out->idle_beats = r->idle_beats;
	out->done = (r->flags & REGS_FLAG_DONE) != 0;
}

void hosted_vcpu_set_withheld(unsigned index, bool withheld)
{
	struct hosted_vcpu *v = vcpu_get(index);

	set_request(v, &v->withheld, withheld ? 1U : 0U);
}

unsigned plat_vcpu_count(void)
{
	return nr_vcpus;
}

void plat_vcpu_request_park(unsigned index)
{
	struct hosted_vcpu *v = vcpu_get(index);

	set_request(v, &v->park_requested, 1);
}

bool plat_vcpu_parked(unsigned index)
{
	struct hosted_vcpu *v = vcpu_get(index);

	return flag(&v->park_requested) &&
	       atomic_load_explicit(&v->run, memory_order_acquire) == HOSTED_VCPU_PARKED;
}

void plat_vcpu_resume(unsigned index)
{
	struct hosted_vcpu *v = vcpu_get(index);

	set_request(v, &v->park_requested, 0);
}

void plat_send_ipi(unsigned cpu, uint8_t vector)
{
	(void)vector;
	if (cpu == 0) {
		pthread_mutex_lock(&handler_lock);
		handler_ipis++;
		pthread_cond_broadcast(&handler_wake);
		pthread_mutex_unlock(&handler_lock);
		return;
	}
	CHECK(cpu <= nr_vcpus);
	pthread_mutex_lock(&vcpus[cpu - 1].lock);
	pthread_cond_broadcast(&vcpus[cpu - 1].wake);
	pthread_mutex_unlock(&vcpus[cpu - 1].lock);
}

void hosted_handler_wait(uint64_t timeout_ns)
{
	uint64_t deadline = clock_ns(CLOCK_REALTIME) + timeout_ns;
	struct timespec until = {.tv_sec = (time_t)(deadline / 1000000000ULL),
				 .tv_nsec = (long)(deadline % 1000000000ULL)};
	uint64_t seen;

	pthread_mutex_lock(&handler_lock);
	seen = handler_ipis;
	while (handler_ipis == seen) {
		if (pthread_cond_timedwait(&handler_wake, &handler_lock, &until) != 0) {
			break;
		}
	}
	pthread_mutex_unlock(&handler_lock);
}

/* --- Saved state ----------------------------------------------------------------------------- */

static void encode_regs(const struct vcpu_regs *r, unsigned index, uint8_t out[STATE_SIZE])
{
	put_le64(out + HOSTED_STATE_OFF_MAGIC, HOSTED_STATE_MAGIC);
	put_le32(out + HOSTED_STATE_OFF_VERSION, HOSTED_STATE_VERSION);
	put_le32(out + HOSTED_STATE_OFF_SIZE, STATE_SIZE);
	put_le32(out + HOSTED_STATE_OFF_INDEX, index);
	put_le32(out + HOSTED_STATE_OFF_FLAGS, r->flags);
	put_le64(out + HOSTED_STATE_OFF_REGION, gpa_addr(r->region));
	put_le64(out + HOSTED_STATE_OFF_REGION_SIZE, r->region_size);
	put_le64(out + HOSTED_STATE_OFF_SEED, r->seed);
	put_le64(out + HOSTED_STATE_OFF_MAX_STEPS, r->max_steps);
	put_le64(out + HOSTED_STATE_OFF_RATE, r->writes_per_ms);
	put_le64(out + HOSTED_STATE_OFF_PRNG, r->work.prng);
	put_le64(out + HOSTED_STATE_OFF_STEPS, r->work.steps);
	put_le64(out + HOSTED_STATE_OFF_CHECKSUM, r->checksum);
	put_le64(out + HOSTED_STATE_OFF_LAST_BEAT, r->last_beat_wall_ns);
	put_le64(out + HOSTED_STATE_OFF_MAX_GAP, r->max_gap_ns);
	put_le64(out + HOSTED_STATE_OFF_IDLE, r->idle_ns);
	put_le64(out + HOSTED_STATE_OFF_IDLE_DONE, r->idle_done_ns);
	put_le64(out + HOSTED_STATE_OFF_IDLE_BEATS, r->idle_beats);
}

static void decode_regs(const uint8_t in[STATE_SIZE], struct vcpu_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->flags = get_le32(in + HOSTED_STATE_OFF_FLAGS);
	r->region = gpa_init(get_le64(in + HOSTED_STATE_OFF_REGION));
	r->region_size = get_le64(in + HOSTED_STATE_OFF_REGION_SIZE);
	r->seed = get_le64(in + HOSTED_STATE_OFF_SEED);
	r->max_steps = get_le64(in + HOSTED_STATE_OFF_MAX_STEPS);
	r->writes_per_ms = get_le64(in + HOSTED_STATE_OFF_RATE);
	r->work.prng = get_le64(in + HOSTED_STATE_OFF_PRNG);
	r->work.steps = get_le64(in + HOSTED_STATE_OFF_STEPS);
	r->checksum = get_le64(in + HOSTED_STATE_OFF_CHECKSUM);
	r->last_beat_wall_ns = get_le64(in + HOSTED_STATE_OFF_LAST_BEAT);
	r->max_gap_ns = get_le64(in + HOSTED_STATE_OFF_MAX_GAP);
	r->idle_ns = get_le64(in + HOSTED_STATE_OFF_IDLE);
	r->idle_done_ns = get_le64(in + HOSTED_STATE_OFF_IDLE_DONE);
	r->idle_beats = get_le64(in + HOSTED_STATE_OFF_IDLE_BEATS);
}

static bool header_ok(const uint8_t *in, size_t len, unsigned index)
{
	return len == STATE_SIZE && get_le64(in + HOSTED_STATE_OFF_MAGIC) == HOSTED_STATE_MAGIC &&
	       get_le32(in + HOSTED_STATE_OFF_VERSION) == HOSTED_STATE_VERSION &&
	       get_le32(in + HOSTED_STATE_OFF_SIZE) == STATE_SIZE &&
	       get_le32(in + HOSTED_STATE_OFF_INDEX) == index;
}

/* Every combination a real vCPU can be in, and nothing else. seed, prng, the heartbeat times and
 * the gap take any value: none of them can make the vCPU touch memory outside its region, and a
 * wrong one only changes what the guest computes (the stream authenticates them anyway). */
static bool regs_consistent(const struct vcpu_regs *r)
{
	bool validated = (r->flags & REGS_FLAG_VALIDATED) != 0;
	bool done = (r->flags & REGS_FLAG_DONE) != 0;
	bool failed = (r->flags & REGS_FLAG_FAILED) != 0;

	if ((r->flags & ~REGS_FLAGS_KNOWN) != 0 || !region_usable(r->region, r->region_size) ||
	    r->writes_per_ms > MAX_WRITES_PER_MS) {
		return false;
	}
	if (r->max_steps != 0 && r->work.steps > r->max_steps) {
		return false;
	}
	if (!validated && r->work.steps != 0) {
		return false;
	}
	if (failed && (validated || done)) {
		return false;
	}
	/* Idle time is spent after the last step, never more than asked, each beat after a sleep
	 * of at least 1 ns. */
	if (!idle_usable(r->max_steps, r->idle_ns) || r->idle_done_ns > r->idle_ns ||
	    r->idle_beats > r->idle_done_ns || (r->idle_beats == 0) != (r->idle_done_ns == 0) ||
	    (r->idle_done_ns != 0 && r->work.steps != r->max_steps)) {
		return false;
	}
	if (done) {
		return validated && r->max_steps != 0 && r->work.steps == r->max_steps &&
		       r->idle_done_ns == r->idle_ns;
	}
	return r->checksum == 0;
}

enum plat_status plat_vcpu_save_state(unsigned index, void *buf, size_t cap, size_t *len)
{
	struct hosted_vcpu *v = vcpu_get(index);

	if (!plat_vcpu_parked(index)) {
		return PLAT_ERR_PERMISSION;
	}
	if (cap < STATE_SIZE) {
		return PLAT_ERR_INPUT;
	}
	encode_regs(&v->regs, index, buf);
	*len = STATE_SIZE;
	return PLAT_OK;
}

enum plat_status plat_vcpu_load_state(unsigned index, const void *buf, size_t len)
{
	struct hosted_vcpu *v = vcpu_get(index);
	struct vcpu_regs regs;

	/* Only a vCPU that never ran here takes a foreign state (the migration target). */
	if (atomic_load_explicit(&v->run, memory_order_acquire) != HOSTED_VCPU_OFFLINE ||
	    v->thread_started) {
		return PLAT_ERR_UNSUPPORTED;
	}
	if (!header_ok(buf, len, index)) {
		return PLAT_ERR_INPUT;
	}
	decode_regs(buf, &regs);
	if (!regs_consistent(&regs)) {
		return PLAT_ERR_INPUT;
	}
	v->regs = regs;
	v->loaded = true;
	atomic_store_explicit(&v->heartbeat, heartbeat_of(&regs), memory_order_release);
	return PLAT_OK;
}

void plat_vcpu_start_loaded(unsigned index)
{
	struct hosted_vcpu *v = vcpu_get(index);

	CHECK(v->loaded && !v->thread_started);
	if (!start_thread(v)) {
		set_run(v, HOSTED_VCPU_FAILED);
	}
}
