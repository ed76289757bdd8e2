/* SPDX-License-Identifier: MIT */
/*
 * svsm-hosted-vm: one small VM in one process, playing both parts a VM has.
 *   - The VMM part creates the memory file (offset = GPA), and for --incoming writes
 *     MIG_CMD_RECEIVE into the control page before the guest "boots", as a host would.
 *   - The guest part boots the SVSM side (guest memory, crypto, the migration handler on its own
 *     thread: the SVSM's CPU) and, unless incoming, starts the vCPU threads on the workload.
 * The VM ends when the guest finished its steps (and its idle time, --idle-ms) here (results
 * printed like the qemu demo), or when, as a migration source, it handed the guest over
 * (SOURCE_DONE).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svsm/check.h"
#include "svsm/crypto/crypto.h"
#include "svsm/layout.h"
#include "svsm/log.h"
#include "svsm/migrate/control.h"
#include "svsm/migrate/migrate.h"
#include "svsm/plat.h"

#include "host/lib/parse.h"
#include "hosted.h"
#include "vm_image.h"

enum vm_exit {
	VM_EXIT_OK = 0,		   /* guest finished here, or handed over to the target */
	VM_EXIT_INTERNAL = 1,	   /* crypto, threads, stats file */
	VM_EXIT_USAGE = 2,	   /* bad command line */
	VM_EXIT_IMAGE = 3,	   /* the image is missing or not a usable IGVM image */
	VM_EXIT_PLATFORM = 4,	   /* the memory file or the platform cannot be set up */
	VM_EXIT_GUEST_FAILED = 5,  /* a vCPU could not run its workload */
	VM_EXIT_TARGET_FAILED = 6, /* as a target, the stream was refused: no guest ran here */
	VM_EXIT_TIMEOUT = 7,	   /* --timeout elapsed */
};

#define DEFAULT_STEPS	    3000000ULL
#define DEFAULT_SEED_BASE   0x5EED0000ULL
#define DEFAULT_REGION_SIZE (4ULL << 20)
#define DEFAULT_TIMEOUT_S   600ULL
#define MAX_TIMEOUT_S	    86400ULL
#define NS_PER_MS	    1000000ULL
#define MAX_IDLE_MS	    (HOSTED_MAX_IDLE_NS / NS_PER_MS)
#define MONITOR_PERIOD_MS   5U
#define HANDLER_IDLE_NS	    1000000ULL
/* vCPU regions start after the window the guest payload has on the qemu platform. */
#define REGIONS_BASE (LAYOUT_SVSM_REGION_END + LAYOUT_GUEST_PAYLOAD_MAX)

struct vm_args {
	const char *image;
	const char *memory_file;
	const char *stats_json;
	uint64_t ram;
	uint64_t vcpus;
	uint64_t steps;
	uint64_t seed;
	uint64_t writes_per_ms;
	uint64_t idle_ms;
	uint64_t region_size;
	uint64_t timeout_s;
	uint64_t withhold_vcpu;
	bool withhold;
	bool incoming;
	bool seen[256];
};

static const char usage_text[] =
    "usage: svsm-hosted-vm --image IMG --memory-file F --ram SIZE --vcpus N [--incoming]\n"
    "                      [--steps N] [--seed S] [--writes-per-ms R] [--idle-ms MS]\n"
    "                      [--region-size BYTES] [--stats-json F] [--timeout S]\n"
    "  --memory-file F     guest memory, created or truncated; must be on tmpfs (/dev/shm)\n"
    "  --ram SIZE          bytes, K/M/G suffixes (powers of 1024); a multiple of 2M above 64M\n"
    "  --vcpus N           1..15\n"
    "  --incoming          boot as a migration target: the guest arrives over the stream\n"
    "  --steps N           workload steps per vCPU (default 3000000)\n"
    "  --seed S            seed of vCPU 0; vCPU i uses S + i (default 0x5EED0000)\n"
    "  --writes-per-ms R   workload rate per vCPU, 0 = unthrottled (default)\n"
    "  --idle-ms MS        after its steps, each vCPU keeps running MS ms of its own time\n"
    "                      (time parked for a migration excluded) writing nothing, with a\n"
    "                      heartbeat every ~1 ms, then finishes; 0..86400000, needs --steps\n"
    "                      above 0 (default 0). \"[hosted] guest idle\" says when it starts\n"
    "  --region-size BYTES per-vCPU work region, a multiple of 4K (default 4M)\n"
    "  --stats-json F      write per-vCPU results and the migration outcome as JSON\n"
    "  --timeout S         give up after S seconds, 1..86400 (default 600)\n"
    "  --test-withhold-vcpu N  TEST ONLY: once the guest runs, the host stops scheduling\n"
    "                      vCPU N until a migration has ended (it cannot park meanwhile)\n"
    "With --incoming, the guest's own parameters (steps, seed, region, rate, idle) arrive in its\n"
    "vCPU state; the flags above describe a guest started here.\n"
    "Exit: 0 guest finished here or handed over, 1 internal, 2 usage, 3 image, 4 platform,\n"
    "      5 guest failed, 6 migration target failed, 7 timeout.\n";

static _Atomic bool handler_stop;

static int usage_error(const char *fmt, const char *what)
{
	fprintf(stderr, "svsm-hosted-vm: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n%s", usage_text);
	return VM_EXIT_USAGE;
}

enum opt_id {
	OPT_IMAGE = 'i',
	OPT_MEMORY = 'm',
	OPT_RAM = 'r',
	OPT_VCPUS = 'c',
	OPT_INCOMING = 'I',
	OPT_STEPS = 's',
	OPT_SEED = 'S',
	OPT_RATE = 'w',
	OPT_IDLE = 'd',
	OPT_REGION = 'g',
	OPT_STATS = 'j',
	OPT_TIMEOUT = 't',
	OPT_WITHHOLD = 'W',
	OPT_HELP = 'h',
};

static const struct option options[] = {
    {"image", required_argument, NULL, OPT_IMAGE},
    {"memory-file", required_argument, NULL, OPT_MEMORY},
    {"ram", required_argument, NULL, OPT_RAM},
    {"vcpus", required_argument, NULL, OPT_VCPUS},
    {"incoming", no_argument, NULL, OPT_INCOMING},
    {"steps", required_argument, NULL, OPT_STEPS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"writes-per-ms", required_argument, NULL, OPT_RATE},
    {"idle-ms", required_argument, NULL, OPT_IDLE},
    {"region-size", required_argument, NULL, OPT_REGION},
    {"stats-json", required_argument, NULL, OPT_STATS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"test-withhold-vcpu", required_argument, NULL, OPT_WITHHOLD},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static bool take_value(struct vm_args *a, int opt, const char *value)
{
	switch (opt) {
	case OPT_IMAGE:
		a->image = value;
		return true;
	case OPT_MEMORY:
		a->memory_file = value;
		return true;
	case OPT_STATS:
		a->stats_json = value;
		return true;
	case OPT_INCOMING:
		a->incoming = true;
		return true;
	case OPT_RAM:
		return host_parse_size(value, &a->ram);
	case OPT_REGION:
		return host_parse_size(value, &a->region_size);
	case OPT_VCPUS:
		return host_parse_u64(value, &a->vcpus);
	case OPT_STEPS:
		return host_parse_u64(value, &a->steps);
	case OPT_SEED:
		return host_parse_u64(value, &a->seed);
	case OPT_RATE:
		return host_parse_u64(value, &a->writes_per_ms);
	case OPT_IDLE:
		return host_parse_u64(value, &a->idle_ms);
	case OPT_TIMEOUT:
		return host_parse_u64(value, &a->timeout_s);
	case OPT_WITHHOLD:
		a->withhold = true;
		return host_parse_u64(value, &a->withhold_vcpu);
	default:
		return false;
	}
}

static const char *option_name(int opt)
{
	for (const struct option *o = options; o->name != NULL; o++) {
		if (o->val == opt) {
			return o->name;
		}
	}
	return "?";
}

static int check_args(const struct vm_args *a)
{
	uint64_t guest_bytes;

	if (a->image == NULL || a->memory_file == NULL || !a->seen[OPT_RAM] ||
	    !a->seen[OPT_VCPUS]) {
		return usage_error("%s", "--image, --memory-file, --ram and --vcpus are required");
	}
	if (a->vcpus == 0 || a->vcpus > HOSTED_MAX_VCPUS) {
		return usage_error("%s", "--vcpus must be 1..15");
	}
	if (a->ram <= REGIONS_BASE || a->ram > (4ULL << 30) || a->ram % (2ULL << 20) != 0) {
		return usage_error("%s", "--ram must be a multiple of 2M, above 65M, at most 4G");
	}
	if (a->region_size == 0 || a->region_size % PAGE_SIZE != 0) {
		return usage_error("%s", "--region-size must be a non-zero multiple of 4K");
	}
	guest_bytes = a->ram - REGIONS_BASE;
	if (a->region_size > guest_bytes / a->vcpus) {
		return usage_error("%s", "--vcpus x --region-size does not fit in --ram above 65M");
	}
	if (a->timeout_s == 0 || a->timeout_s > MAX_TIMEOUT_S) {
		return usage_error("%s", "--timeout must be 1..86400");
	}
	if (a->writes_per_ms > 1000000000ULL) {
		return usage_error("%s", "--writes-per-ms must be at most 1000000000");
	}
	if (a->idle_ms > MAX_IDLE_MS) {
		return usage_error("%s", "--idle-ms must be at most 86400000");
	}
	/* The idle phase follows the last step: a guest that steps forever never reaches it. */
	if (a->idle_ms != 0 && a->steps == 0) {
		return usage_error("%s", "--idle-ms needs --steps above 0");
	}
	if (a->idle_ms != 0 && a->steps > UINT64_MAX - a->idle_ms * NS_PER_MS) {
		return usage_error("%s", "--steps is too large for a heartbeat with --idle-ms");
	}
	if (a->withhold && (a->withhold_vcpu >= a->vcpus || a->incoming)) {
		return usage_error("%s", "--test-withhold-vcpu needs a vCPU below --vcpus, and no "
					 "--incoming");
	}
	if (a->seed > UINT64_MAX - HOSTED_MAX_VCPUS) {
		return usage_error("%s", "--seed is too large for one seed per vCPU");
	}
	return VM_EXIT_OK;
}

static int parse_args(int argc, char **argv, struct vm_args *a)
{
	int opt;

	memset(a, 0, sizeof(*a));
	a->steps = DEFAULT_STEPS;
	a->seed = DEFAULT_SEED_BASE;
	a->region_size = DEFAULT_REGION_SIZE;
	a->timeout_s = DEFAULT_TIMEOUT_S;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == OPT_HELP) {
			fputs(usage_text, stdout);
			exit(VM_EXIT_OK);
		}
		if (opt == '?' || opt == ':') {
			return usage_error("unknown option or missing value: %s", argv[optind - 1]);
		}
		if (a->seen[opt]) {
			return usage_error("--%s given twice", option_name(opt));
		}
		a->seen[opt] = true;
		if (!take_value(a, opt, optarg)) {
			return usage_error("bad value for --%s", option_name(opt));
		}
	}
	if (optind != argc) {
		return usage_error("unexpected argument: %s", argv[optind]);
	}
	return check_args(a);
}

/* --- The VM ------------------------------------------------------------------------------- */

struct vm {
	struct vm_args args;
	struct vm_image image;
	void *region;
	pthread_t handler;
	bool handler_started;
	uint64_t deadline_ns;
	bool idle_reported;
	bool withheld;
	bool released;
};

static void *handler_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&handler_stop)) {
		if (!migrate_poll()) {
			hosted_handler_wait(HANDLER_IDLE_NS);
		}
	}
	return NULL;
}

/* What the host does for an incoming VM before it boots. */
static void request_receive(void *region)
{
	struct mig_host_command cmd = {.command = MIG_CMD_RECEIVE, .channels = MIG_MAX_CHANNELS};

	CHECK(mig_control_host_command(region, &cmd) != 0);
}

static int boot(struct vm *vm)
{
	struct hosted_config config = {
	    .memory_file = vm->args.memory_file,
	    .ram_size = vm->args.ram,
	    .vcpus = (unsigned)vm->args.vcpus,
	};
	struct migrate_config mc;
	enum hosted_status hs;
	enum crypto_status cs;
	int err = 0;

	memcpy(config.measurement, vm->image.measurement, sizeof(config.measurement));
	hs = hosted_vm_create(&config, &err);
	if (hs != HOSTED_OK) {
		fprintf(stderr, "svsm-hosted-vm: %s: %s%s%s\n", vm->args.memory_file,
			hosted_status_str(hs), err != 0 ? ": " : "", err != 0 ? strerror(err) : "");
		return VM_EXIT_PLATFORM;
	}
	vm->region = hosted_svsm_ptr(LAYOUT_MIGRATION_GPA, MIG_REGION_SIZE);
	CHECK(vm->region != NULL);
	/* The loader places the measured policy page; the SVSM keeps using its private copy. */
	memcpy(hosted_svsm_ptr(LAYOUT_POLICY_GPA, PAGE_SIZE), vm->image.policy, PAGE_SIZE);
	if (vm->args.incoming) {
		request_receive(vm->region);
	}
	cs = crypto_init();
	if (cs != CRYPTO_OK) {
		fprintf(stderr, "svsm-hosted-vm: crypto_init: %s\n", crypto_status_str(cs));
		return VM_EXIT_INTERNAL;
	}
	memset(&mc, 0, sizeof(mc));
	mc.region = vm->region;
	mc.policy = vm->image.policy;
	mc.policy_len = sizeof(vm->image.policy);
	migrate_init(&mc);
	return VM_EXIT_OK;
}

static int start_guest(struct vm *vm)
{
	for (unsigned v = 0; v < vm->args.vcpus; v++) {
		struct hosted_guest_params p = {
		    .region = gpa_init(REGIONS_BASE + v * vm->args.region_size),
		    .region_size = vm->args.region_size,
		    .seed = vm->args.seed + v,
		    .max_steps = vm->args.steps,
		    .writes_per_ms = vm->args.writes_per_ms,
		    .idle_ns = vm->args.idle_ms * NS_PER_MS,
		};

		if (!hosted_vcpu_launch(v, &p)) {
			fprintf(stderr, "svsm-hosted-vm: cannot start vcpu %u\n", v);
			return VM_EXIT_INTERNAL;
		}
	}
	return VM_EXIT_OK;
}

static int start_handler(struct vm *vm)
{
	if (pthread_create(&vm->handler, NULL, handler_main, NULL) != 0) {
		fprintf(stderr, "svsm-hosted-vm: cannot start the migration handler thread\n");
		return VM_EXIT_INTERNAL;
	}
	vm->handler_started = true;
	return VM_EXIT_OK;
}

/* --- Watching the VM ---------------------------------------------------------------------- */

enum vm_outcome {
	OUTCOME_RUNNING,
	OUTCOME_FINISHED,
	OUTCOME_HANDED_OVER,
	OUTCOME_TARGET_FAILED,
	OUTCOME_GUEST_FAILED,
	OUTCOME_TIMEOUT,
};

static bool migration_in_flight(enum mig_status s)
{
	switch (s) {
	case MIG_STATUS_SOURCE_HANDSHAKE:
	case MIG_STATUS_SOURCE_PRECOPY:
	case MIG_STATUS_SOURCE_CHECKPOINT:
	case MIG_STATUS_SOURCE_COMMIT:
	case MIG_STATUS_TARGET_WAITING:
	case MIG_STATUS_TARGET_HANDSHAKE:
	case MIG_STATUS_TARGET_RECEIVING:
	case MIG_STATUS_TARGET_ACKED:
		return true;
	default:
		return false;
	}
}

/* DONE or FAILED everywhere; *failed says whether any vCPU failed. */
static bool guest_settled(unsigned vcpus, bool *failed)
{
	*failed = false;
	for (unsigned v = 0; v < vcpus; v++) {
		enum hosted_vcpu_run run = hosted_vcpu_run_state(v);

		if (run == HOSTED_VCPU_FAILED) {
			*failed = true;
		} else if (run != HOSTED_VCPU_DONE) {
			return false;
		}
	}
	return true;
}

static enum vm_outcome observe(const struct vm *vm, struct mig_svsm_state *st)
{
	bool failed = false;

	if (mig_control_host_read(vm->region, st) != MIG_ERR_NONE) {
		return OUTCOME_RUNNING; /* mid-publish: look again next time */
	}
	if (st->status == MIG_STATUS_SOURCE_DONE) {
		return OUTCOME_HANDED_OVER;
	}
	if (st->status == MIG_STATUS_TARGET_FAILED) {
		return OUTCOME_TARGET_FAILED;
	}
	if (migration_in_flight(st->status) || !guest_settled((unsigned)vm->args.vcpus, &failed)) {
		return OUTCOME_RUNNING;
	}
	return failed ? OUTCOME_GUEST_FAILED : OUTCOME_FINISHED;
}

/* TEST ONLY: the host withholds a vCPU from its first step until a migration has ended. */
static void withhold_step(struct vm *vm, const struct mig_svsm_state *st)
{
	unsigned v = (unsigned)vm->args.withhold_vcpu;
	bool migration_over =
	    st->status == MIG_STATUS_SOURCE_ABORTED || st->status == MIG_STATUS_SOURCE_DONE;

	if (!vm->args.withhold) {
		return;
	}
	if (!vm->withheld && !vm->released && hosted_vcpu_heartbeat(v) > 0) {
		hosted_vcpu_set_withheld(v, true);
		vm->withheld = true;
		printf("[hosted] TEST: vcpu %u withheld by the host until a migration ends\n", v);
		fflush(stdout);
	}
	if (vm->withheld && migration_over) {
		hosted_vcpu_set_withheld(v, false);
		vm->withheld = false;
		vm->released = true;
		printf("[hosted] TEST: vcpu %u scheduled again\n", v);
		fflush(stdout);
	}
}

/* Once, when every vCPU has done its steps and one at least idles: from here on the guest writes
 * nothing (benchmarks start their 0 MB/s migrations on this line). A vCPU parked for a migration
 * is neither, so on a target it shows once the guest runs there. */
static void report_idle(struct vm *vm)
{
	bool idle = false;

	if (vm->idle_reported) {
		return;
	}
	for (unsigned v = 0; v < vm->args.vcpus; v++) {
		enum hosted_vcpu_run run = hosted_vcpu_run_state(v);

		if (run == HOSTED_VCPU_IDLE) {
			idle = true;
		} else if (run != HOSTED_VCPU_DONE) {
			return;
		}
	}
	if (idle) {
		vm->idle_reported = true;
		printf(
		    "[hosted] guest idle: every vCPU has done its steps and writes nothing until "
		    "its idle time ends\n");
		fflush(stdout);
	}
}

static enum vm_outcome watch(struct vm *vm, struct mig_svsm_state *st)
{
	for (;;) {
		enum vm_outcome o = observe(vm, st);

		withhold_step(vm, st);
		report_idle(vm);

		if (o != OUTCOME_RUNNING) {
			return o;
		}
		if (plat_time_ns() > vm->deadline_ns) {
			return OUTCOME_TIMEOUT;
		}
		usleep(MONITOR_PERIOD_MS * 1000U);
	}
}

/* --- Reporting ------------------------------------------------------------------------------ */

static void print_results(unsigned vcpus)
{
	for (unsigned v = 0; v < vcpus; v++) {
		struct hosted_vcpu_result r;

		hosted_vcpu_result(v, &r);
		printf("[result] vcpu=%u seed=%#llx steps=%llu size=%llu checksum=%#llx\n", v,
		       (unsigned long long)r.seed, (unsigned long long)r.steps,
		       (unsigned long long)r.region_size, (unsigned long long)r.checksum);
	}
	for (unsigned v = 0; v < vcpus; v++) {
		struct hosted_vcpu_result r;

		hosted_vcpu_result(v, &r);
		printf("[hosted] vcpu %u: %s, largest heartbeat gap %.3f ms\n", v,
		       hosted_vcpu_run_str(hosted_vcpu_run_state(v)), (double)r.max_gap_ns / 1e6);
	}
}

/* What the emulated PSP reports as MEASUREMENT: `igvm measure IMG` prints the same. */
static void print_measurement(const uint8_t measurement[HOSTED_MEASUREMENT_LEN])
{
	printf("[hosted] measurement ");
	for (unsigned i = 0; i < HOSTED_MEASUREMENT_LEN; i++) {
		printf("%02x", measurement[i]);
	}
	printf("\n");
}

static const char *outcome_name(enum vm_outcome o)
{
	static const char *const names[] = {"running",	     "finished",     "handed-over",
					    "target-failed", "guest-failed", "timeout"};

	return names[o];
}

static const char *role_name(const struct vm *vm, const struct mig_svsm_state *st)
{
	if (vm->args.incoming) {
		return "target";
	}
	return st->status == MIG_STATUS_IDLE ? "local" : "source";
}

static bool write_vcpus_json(FILE *f, unsigned vcpus, bool guest_here)
{
	fprintf(f, "  \"vcpus\": [");
	for (unsigned v = 0; v < vcpus && guest_here; v++) {
		struct hosted_vcpu_result r;

		hosted_vcpu_result(v, &r);
		fprintf(f,
			"%s\n    {\"vcpu\": %u, \"state\": \"%s\", \"seed\": %" PRIu64
			", \"steps\": %" PRIu64 ", \"size\": %" PRIu64 ", \"checksum\": \"%#" PRIx64
			"\", \"max_heartbeat_gap_ns\": %" PRIu64 ", \"idle_ns\": %" PRIu64
			", \"idle_done_ns\": %" PRIu64 "}",
			v == 0 ? "" : ",", v, hosted_vcpu_run_str(hosted_vcpu_run_state(v)), r.seed,
			r.steps, r.region_size, r.checksum, r.max_gap_ns, r.idle_ns,
			r.idle_done_ns);
	}
	fprintf(f, "%s]\n", guest_here && vcpus > 0 ? "\n  " : "");
	return ferror(f) == 0;
}

/* Through a temporary file and rename(), so a failed write leaves no partial file. */
static bool write_stats(const struct vm *vm, const struct mig_svsm_state *st, enum vm_outcome o,
			int code)
{
	char tmp[4096];
	bool guest_here = o == OUTCOME_FINISHED || o == OUTCOME_GUEST_FAILED;
	FILE *f;
	bool ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", vm->args.stats_json, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		return false;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		return false;
	}
	fprintf(f,
		"{\n  \"schema\": \"svsm-hosted-vm-stats/1\",\n  \"role\": \"%s\",\n"
		"  \"outcome\": \"%s\",\n  \"exit_code\": %d,\n"
		"  \"migration\": {\"status\": \"%s\", \"error\": \"%s\", \"rounds\": %" PRIu64
		", \"pages_sent\": %" PRIu64 ", \"downtime_ns\": %" PRIu64 "},\n",
		role_name(vm, st), outcome_name(o), code, mig_status_str(st->status),
		mig_error_str(st->error), st->counters.round, st->counters.pages_sent,
		st->counters.downtime_ns);
	ok = write_vcpus_json(f, (unsigned)vm->args.vcpus, guest_here);
	fprintf(f, "}\n");
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, vm->args.stats_json) != 0) {
		unlink(tmp);
		return false;
	}
	return true;
}

static int report(const struct vm *vm, enum vm_outcome o, const struct mig_svsm_state *st)
{
	unsigned vcpus = (unsigned)vm->args.vcpus;

	switch (o) {
	case OUTCOME_HANDED_OVER:
		printf("[hosted] migration committed (SOURCE_DONE): the guest runs on the target "
		       "now and never again here\n");
		return VM_EXIT_OK;
	case OUTCOME_TARGET_FAILED:
		fprintf(stderr,
			"svsm-hosted-vm: migration target failed (TARGET_FAILED, error %s): no "
			"guest code ran here\n",
			mig_error_str(st->error));
		return VM_EXIT_TARGET_FAILED;
	case OUTCOME_TIMEOUT:
		fprintf(stderr, "svsm-hosted-vm: --timeout elapsed (migration status: %s)\n",
			mig_status_str(st->status));
		return VM_EXIT_TIMEOUT;
	case OUTCOME_GUEST_FAILED:
		print_results(vcpus);
		fprintf(stderr, "svsm-hosted-vm: a vCPU failed: its guest could not run\n");
		return VM_EXIT_GUEST_FAILED;
	case OUTCOME_FINISHED:
	case OUTCOME_RUNNING:
		break;
	}
	print_results(vcpus);
	if (st->status == MIG_STATUS_SOURCE_ABORTED) {
		printf("[hosted] the migration was aborted (error %s); nothing was lost: the guest "
		       "finished here\n",
		       mig_error_str(st->error));
	} else if (st->status == MIG_STATUS_TARGET_RUNNING) {
		printf("[hosted] the guest arrived by migration and finished here\n");
	}
	return VM_EXIT_OK;
}

/* On a timeout the handler may be inside a migration that will never end: the process then ends
 * without waiting for it. */
static noreturn void finish(struct vm *vm, int code, bool clean)
{
	if (clean && vm->handler_started) {
		atomic_store(&handler_stop, true);
		plat_send_ipi(0, 0);
		pthread_join(vm->handler, NULL);
		hosted_vm_destroy();
	}
	plat_terminate((unsigned)code);
}

int main(int argc, char **argv)
{
	static struct vm vm;
	struct mig_svsm_state st;
	struct igvm_error ierr;
	enum vm_outcome outcome;
	int code = parse_args(argc, argv, &vm.args);

	if (code != VM_EXIT_OK) {
		return code;
	}
	memset(&ierr, 0, sizeof(ierr));
	if (vm_image_load(vm.args.image, &vm.image, &ierr) != IGVM_OK) {
		fprintf(stderr, "svsm-hosted-vm: %s: %s\n", vm.args.image, ierr.message);
		return VM_EXIT_IMAGE;
	}
	vm.deadline_ns = plat_time_ns() + vm.args.timeout_s * 1000000000ULL;
	code = boot(&vm);
	if (code == VM_EXIT_OK && !migrate_incoming()) {
		code = start_guest(&vm);
	}
	if (code == VM_EXIT_OK) {
		code = start_handler(&vm);
	}
	if (code != VM_EXIT_OK) {
		return code;
	}
	printf("[hosted] ready: %s, %u vCPUs, memory file %s\n",
	       vm.args.incoming ? "waiting for an incoming migration" : "guest running",
	       (unsigned)vm.args.vcpus, vm.args.memory_file);
	print_measurement(vm.image.measurement);
	fflush(stdout);
	memset(&st, 0, sizeof(st));
	outcome = watch(&vm, &st);
	code = report(&vm, outcome, &st);
	if (vm.args.stats_json != NULL && !write_stats(&vm, &st, outcome, code)) {
		fprintf(stderr, "svsm-hosted-vm: cannot write %s\n", vm.args.stats_json);
		code = code == VM_EXIT_OK ? VM_EXIT_INTERNAL : code;
	}
	finish(&vm, code, outcome != OUTCOME_TIMEOUT);
}
