/* SPDX-License-Identifier: MIT */
/*
 * svsm-attest: verify SEV-SNP reports (real or emulated) against a migration policy, issue
 * emulated reports for tests, and build or dump policy pages. See usage() and docs/policy.md.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "svsm/log.h"
#include "svsm/plat.h"

#include "cli_util.h"
#include "crypto/emu_psp.h"
#include "crypto/policy.h"
#include "crypto/snp_report.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage:\n"
	    "  svsm-attest verify --report R --vcek V --chain C [--policy P]\n"
	    "                     [--self-report S --role source|target] [--allow-emulated]\n"
	    "      Verifies report R (1184 bytes) with VCEK V (DER) and chain C (ASK then ARK,\n"
	    "      PEM) and prints a JSON verdict. With --policy, also evaluates the migration\n"
	    "      policy P; --self-report gives our own report for the \"same measurement\"\n"
	    "      and \"no TCB downgrade\" rules (--role says which side we are, default\n"
	    "      source). Without --policy only signature and chain are checked, and emulated\n"
	    "      reports are refused unless --allow-emulated. Exit 0 only when valid.\n"
	    "  svsm-attest emulate --measurement HEX --report-data HEX [--vmpl N]\n"
	    "                      --out-report F --out-vcek F --out-chain F\n"
	    "      Issues a report from the EMULATED PSP (TEST-ONLY keys: proves nothing).\n"
	    "      --measurement is 48 bytes; --report-data at most 64 bytes, zero padded.\n"
	    "  svsm-attest policy build [--allow-measurement HEX]... [--same-measurement]\n"
	    "                      [--min-tcb bl=N,tee=N,snp=N,ucode=N] [--allow-tcb-downgrade]\n"
	    "                      [--require-guest-policy MASK] [--forbid-guest-policy MASK]\n"
	    "                      [--allow-emulated] -o F\n"
	    "      Writes a 4096-byte policy page (docs/policy.md). The no-downgrade rule is on\n"
	    "      unless --allow-tcb-downgrade. --allow-emulated is for test images only.\n"
	    "  svsm-attest policy dump F\n"
	    "      Prints policy page F as JSON.\n"
	    "Exit status: 0 valid/done, 1 report or policy rejected, 2 usage or file error.\n");
}

/* The crypto code draws entropy through the platform seam; here that is getrandom(). */
enum plat_status plat_get_entropy(void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len > 0) {
		ssize_t n = getrandom(out, len, 0);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return PLAT_ERR_ENTROPY;
		}
		out += n;
		len -= (size_t)n;
	}
	return PLAT_OK;
}

/* Takes the value of option argv[*i]; fails with a message when it is missing. */
static bool take_value(int argc, char **argv, int *i, const char **out)
{
	if (*i + 1 >= argc) {
		cli_error("option %s needs a value", argv[*i]);
		return false;
	}
	if (*out != NULL) {
		cli_error("option %s given twice", argv[*i]);
		return false;
	}
	*i += 1;
	*out = argv[*i];
	return true;
}

/* --- verify ------------------------------------------------------------------------------- */

struct verify_args {
	const char *report;
	const char *vcek;
	const char *chain;
	const char *policy;
	const char *self_report;
	const char *role;
	bool allow_emulated;
};

struct verify_inputs {
	struct cli_file report;
	struct cli_file vcek;
	struct cli_file chain;
	struct cli_file policy_file;
	struct cli_file self_file;
	struct migration_policy policy;
	struct snp_report self;
	enum crypto_role role;
};

static bool parse_verify_args(int argc, char **argv, struct verify_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		bool ok = true;

		if (strcmp(argv[i], "--report") == 0) {
			ok = take_value(argc, argv, &i, &a->report);
		} else if (strcmp(argv[i], "--vcek") == 0) {
			ok = take_value(argc, argv, &i, &a->vcek);
		} else if (strcmp(argv[i], "--chain") == 0) {
			ok = take_value(argc, argv, &i, &a->chain);
		} else if (strcmp(argv[i], "--policy") == 0) {
			ok = take_value(argc, argv, &i, &a->policy);
		} else if (strcmp(argv[i], "--self-report") == 0) {
			ok = take_value(argc, argv, &i, &a->self_report);
		} else if (strcmp(argv[i], "--role") == 0) {
			ok = take_value(argc, argv, &i, &a->role);
		} else if (strcmp(argv[i], "--allow-emulated") == 0) {
			a->allow_emulated = true;
		} else {
			cli_error("verify: unknown argument '%s' (see --help)", argv[i]);
			ok = false;
		}
		if (!ok) {
			return false;
		}
	}
	if (a->report == NULL || a->vcek == NULL || a->chain == NULL) {
		cli_error("verify needs --report, --vcek and --chain (see --help)");
		return false;
	}
	if (a->policy != NULL && a->allow_emulated) {
		cli_error("verify: --allow-emulated is for use without --policy; the policy's own "
			  "flag decides");
		return false;
	}
	if (a->policy == NULL && (a->self_report != NULL || a->role != NULL)) {
		cli_error("verify: --self-report and --role only make sense with --policy");
		return false;
	}
	return true;
}

static bool parse_role(const char *text, enum crypto_role *role)
{
	if (text == NULL || strcmp(text, "source") == 0) {
		*role = CRYPTO_ROLE_SOURCE;
		return true;
	}
	if (strcmp(text, "target") == 0) {
		*role = CRYPTO_ROLE_TARGET;
		return true;
	}
	cli_error("verify: --role must be 'source' or 'target', not '%s'", text);
	return false;
}

static bool load_policy_file(const char *path, struct cli_file *file,
			     struct migration_policy *policy)
{
	enum policy_status status;

	if (!cli_read_file("policy", path, POLICY_SIZE, file)) {
		return false;
	}
	status = policy_parse(file->data, file->len, policy);
	if (status != POLICY_OK) {
		cli_error("policy file %s is malformed: %s", path, policy_status_str(status));
		return false;
	}
	return true;
}

static bool load_verify_inputs(const struct verify_args *a, struct verify_inputs *in)
{
	enum snp_status status;

	memset(in, 0, sizeof(*in));
	if (!cli_read_file("report", a->report, SNP_REPORT_SIZE, &in->report) ||
	    !cli_read_file("VCEK", a->vcek, SNP_VCEK_MAX_LEN, &in->vcek) ||
	    !cli_read_file("chain", a->chain, SNP_CHAIN_MAX_LEN, &in->chain) ||
	    !parse_role(a->role, &in->role)) {
		return false;
	}
	if (a->policy != NULL && !load_policy_file(a->policy, &in->policy_file, &in->policy)) {
		return false;
	}
	if (a->self_report == NULL) {
		return true;
	}
	if (!cli_read_file("self report", a->self_report, SNP_REPORT_SIZE, &in->self_file)) {
		return false;
	}
	/* Our own report comes from our own PSP: its layout is checked, not its chain. */
	status = snp_report_parse(in->self_file.data, in->self_file.len, &in->self);
	if (status != SNP_OK) {
		cli_error("self report %s is malformed: %s", a->self_report,
			  snp_status_str(status));
		return false;
	}
	return true;
}

static void free_verify_inputs(struct verify_inputs *in)
{
	cli_free_file(&in->report);
	cli_free_file(&in->vcek);
	cli_free_file(&in->chain);
	cli_free_file(&in->policy_file);
	cli_free_file(&in->self_file);
}

static void json_tcb(struct json *j, const char *key, uint64_t tcb_version)
{
	struct snp_tcb tcb = snp_tcb_decode(tcb_version);

	json_object(j, key);
	json_hex_u64(j, "raw", tcb_version);
	json_uint(j, "bootloader", tcb.bootloader);
	json_uint(j, "tee", tcb.tee);
	json_uint(j, "snp", tcb.snp);
	json_uint(j, "microcode", tcb.microcode);
	json_object_end(j);
}

static void json_report(struct json *j, const struct snp_report *r)
{
	json_object(j, "report");
	json_uint(j, "version", r->version);
	json_uint(j, "vmpl", r->vmpl);
	json_hex_u64(j, "guest_policy", r->policy);
	json_hex(j, "measurement", r->measurement, sizeof(r->measurement));
	json_hex(j, "report_data", r->report_data, sizeof(r->report_data));
	json_hex(j, "host_data", r->host_data, sizeof(r->host_data));
	json_hex(j, "chip_id", r->chip_id, sizeof(r->chip_id));
	json_tcb(j, "reported_tcb", r->reported_tcb);
	json_tcb(j, "current_tcb", r->current_tcb);
	json_object_end(j);
}

static void json_policy_checks(struct json *j, const struct policy_verdict *v)
{
	json_object(j, "policy_checks");
	for (unsigned i = 0; i < POLICY_CHECK_COUNT; i++) {
		json_object(j, policy_check_name((enum policy_check)i));
		json_bool(j, "applies", v->applies[i]);
		json_bool(j, "ok", v->checks[i] == POLICY_OK);
		json_string(j, "reason", policy_status_str(v->checks[i]));
		json_object_end(j);
	}
	json_object_end(j);
}

static int run_verify(const struct verify_args *a, struct verify_inputs *in)
{
	struct snp_trust trust = {
	    .allow_emulated = a->policy != NULL
				  ? (in->policy.flags & POLICY_FLAG_ALLOW_EMULATED) != 0
				  : a->allow_emulated,
	    .emulated_ark_sha384 = emu_psp_ark_sha384(),
	};
	struct snp_verified_report verified;
	struct policy_verdict verdict;
	enum snp_status status;
	enum policy_status policy_result = POLICY_OK;
	struct json j;

	memset(&verdict, 0, sizeof(verdict));
	status = snp_report_verify(in->report.data, in->report.len, in->vcek.data, in->vcek.len,
				   in->chain.data, in->chain.len, &trust, &verified);
	if (status == SNP_OK && a->policy != NULL) {
		const struct policy_subject subject = {
		    .peer = &verified.report,
		    .peer_emulated = verified.emulated,
		    .self = a->self_report != NULL ? &in->self : NULL,
		    .self_role = in->role,
		};

		policy_result = policy_evaluate(&in->policy, &subject, &verdict);
	}
	json_begin(&j, stdout);
	json_bool(&j, "valid", status == SNP_OK && policy_result == POLICY_OK);
	json_string(&j, "reason",
		    status != SNP_OK ? snp_status_str(status) : policy_status_str(policy_result));
	json_bool(&j, "signature_and_chain_valid", status == SNP_OK);
	json_bool(&j, "emulated", verified.emulated);
	if (verified.emulated) {
		json_string(&j, "emulated_note",
			    "EMULATED PSP: TEST-ONLY keys, this report PROVES NOTHING");
	}
	if (status == SNP_OK) {
		json_report(&j, &verified.report);
	}
	if (a->policy == NULL) {
		json_bool(&j, "policy_evaluated", false);
		json_string(&j, "note", "no --policy given: signature and chain checked only");
	} else if (status == SNP_OK) {
		json_bool(&j, "policy_evaluated", true);
		json_policy_checks(&j, &verdict);
	} else {
		json_bool(&j, "policy_evaluated", false);
		json_string(&j, "note", "report rejected before the policy was evaluated");
	}
	json_end(&j);
	return status == SNP_OK && policy_result == POLICY_OK ? CLI_EXIT_OK : CLI_EXIT_INVALID;
}

static int cmd_verify(int argc, char **argv)
{
	struct verify_args args;
	struct verify_inputs in;
	int rc = CLI_EXIT_USAGE;

	if (!parse_verify_args(argc, argv, &args)) {
		return CLI_EXIT_USAGE;
	}
	if (load_verify_inputs(&args, &in)) {
		rc = run_verify(&args, &in);
	}
	free_verify_inputs(&in);
	return rc;
}

/* --- emulate ------------------------------------------------------------------------------ */

struct emulate_args {
	const char *measurement;
	const char *report_data;
	const char *vmpl;
	const char *out_report;
	const char *out_vcek;
	const char *out_chain;
};

static bool parse_emulate_args(int argc, char **argv, struct emulate_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		bool ok;

		if (strcmp(argv[i], "--measurement") == 0) {
			ok = take_value(argc, argv, &i, &a->measurement);
		} else if (strcmp(argv[i], "--report-data") == 0) {
			ok = take_value(argc, argv, &i, &a->report_data);
		} else if (strcmp(argv[i], "--vmpl") == 0) {
			ok = take_value(argc, argv, &i, &a->vmpl);
		} else if (strcmp(argv[i], "--out-report") == 0) {
			ok = take_value(argc, argv, &i, &a->out_report);
		} else if (strcmp(argv[i], "--out-vcek") == 0) {
			ok = take_value(argc, argv, &i, &a->out_vcek);
		} else if (strcmp(argv[i], "--out-chain") == 0) {
			ok = take_value(argc, argv, &i, &a->out_chain);
		} else {
			cli_error("emulate: unknown argument '%s' (see --help)", argv[i]);
			ok = false;
		}
		if (!ok) {
			return false;
		}
	}
	if (a->measurement == NULL || a->report_data == NULL || a->out_report == NULL ||
	    a->out_vcek == NULL || a->out_chain == NULL) {
		cli_error("emulate needs --measurement, --report-data, --out-report, --out-vcek "
			  "and --out-chain (see --help)");
		return false;
	}
	return true;
}

static int cmd_emulate(int argc, char **argv)
{
	struct emulate_args a;
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t data[SNP_REPORT_DATA_LEN];
	uint8_t report[SNP_REPORT_SIZE];
	uint64_t vmpl = 0;
	const uint8_t *vcek;
	const uint8_t *chain;
	size_t vcek_len;
	size_t chain_len;
	enum crypto_status status;

	if (!parse_emulate_args(argc, argv, &a) ||
	    !cli_parse_hex("--measurement", a.measurement, measurement, sizeof(measurement)) ||
	    !cli_parse_hex_padded("--report-data", a.report_data, data, sizeof(data)) ||
	    (a.vmpl != NULL && !cli_parse_u64("--vmpl", a.vmpl, 3, &vmpl))) {
		return CLI_EXIT_USAGE;
	}
	status = crypto_init();
	if (status == CRYPTO_OK) {
		status = emu_psp_report(measurement, data, (uint32_t)vmpl, report);
	}
	if (status != CRYPTO_OK) {
		cli_error("emulated PSP failed: %s", crypto_status_str(status));
		return CLI_EXIT_USAGE;
	}
	emu_psp_certs(&vcek, &vcek_len, &chain, &chain_len);
	const struct cli_output outputs[] = {
	    {a.out_report, report, sizeof(report)},
	    {a.out_vcek, vcek, vcek_len},
	    {a.out_chain, chain, chain_len},
	};
	if (!cli_write_files(outputs, ARRAY_SIZE(outputs))) {
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "svsm-attest: wrote an EMULATED report (TEST-ONLY keys: proves nothing)\n");
	return CLI_EXIT_OK;
}

/* --- policy ------------------------------------------------------------------------------- */

/* "bl=2,tee=0,snp=5,ucode=0x44": every component named exactly once. */
static bool parse_min_tcb(const char *text, struct snp_tcb *tcb)
{
	static const char *const names[] = {"bl", "tee", "snp", "ucode"};
	uint8_t *fields[] = {&tcb->bootloader, &tcb->tee, &tcb->snp, &tcb->microcode};
	bool seen[4] = {false, false, false, false};
	char copy[128];
	char *save = NULL;
	size_t len = strlen(text);

	if (len >= sizeof(copy)) {
		cli_error("--min-tcb: value too long");
		return false;
	}
	memcpy(copy, text, len + 1);
	for (char *item = strtok_r(copy, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		size_t k;
		uint64_t value;

		if (eq == NULL) {
			cli_error("--min-tcb: '%s' is not name=value", item);
			return false;
		}
		*eq = '\0';
		for (k = 0; k < ARRAY_SIZE(names) && strcmp(item, names[k]) != 0; k++) {
		}
		if (k == ARRAY_SIZE(names) || seen[k]) {
			cli_error(
			    "--min-tcb: '%s' is unknown or repeated (use bl, tee, snp, ucode)",
			    item);
			return false;
		}
		if (!cli_parse_u64("--min-tcb", eq + 1, 0xFF, &value)) {
			return false;
		}
		*fields[k] = (uint8_t)value;
		seen[k] = true;
	}
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		if (!seen[k]) {
			cli_error("--min-tcb: '%s' is missing (give bl, tee, snp and ucode)",
				  names[k]);
			return false;
		}
	}
	return true;
}

static bool add_measurement(struct migration_policy *p, const char *hex)
{
	if (p->measurement_count == POLICY_MAX_MEASUREMENTS) {
		cli_error("at most %u --allow-measurement options", POLICY_MAX_MEASUREMENTS);
		return false;
	}
	if (!cli_parse_hex("--allow-measurement", hex, p->measurements[p->measurement_count],
			   SNP_MEASUREMENT_LEN)) {
		return false;
	}
	p->measurement_count++;
	return true;
}

static bool parse_mask(int argc, char **argv, int *i, uint64_t *mask)
{
	const char *text = NULL;

	return take_value(argc, argv, i, &text) &&
	       cli_parse_u64(argv[*i - 1], text, UINT64_MAX, mask);
}

static bool parse_policy_option(int argc, char **argv, int *i, struct migration_policy *p,
				const char **out)
{
	const char *value = NULL;
	const char *arg = argv[*i];

	if (strcmp(arg, "--allow-measurement") == 0) {
		return take_value(argc, argv, i, &value) && add_measurement(p, value);
	}
	if (strcmp(arg, "--min-tcb") == 0) {
		return take_value(argc, argv, i, &value) && parse_min_tcb(value, &p->min_tcb);
	}
	if (strcmp(arg, "--same-measurement") == 0) {
		p->flags |= POLICY_FLAG_SAME_MEASUREMENT;
		return true;
	}
	if (strcmp(arg, "--allow-emulated") == 0) {
		p->flags |= POLICY_FLAG_ALLOW_EMULATED;
		return true;
	}
	if (strcmp(arg, "--allow-tcb-downgrade") == 0) {
		p->flags &= ~POLICY_FLAG_NO_TCB_DOWNGRADE;
		return true;
	}
	if (strcmp(arg, "--require-guest-policy") == 0) {
		return parse_mask(argc, argv, i, &p->guest_policy_required);
	}
	if (strcmp(arg, "--forbid-guest-policy") == 0) {
		return parse_mask(argc, argv, i, &p->guest_policy_forbidden);
	}
	if (strcmp(arg, "-o") == 0) {
		return take_value(argc, argv, i, out);
	}
	cli_error("policy build: unknown argument '%s' (see --help)", arg);
	return false;
}

static int cmd_policy_build(int argc, char **argv)
{
	static uint8_t page[POLICY_SIZE];
	struct migration_policy p;
	const char *out = NULL;
	enum policy_status status;

	memset(&p, 0, sizeof(p));
	p.flags = POLICY_FLAG_NO_TCB_DOWNGRADE;
	for (int i = 0; i < argc; i++) {
		if (!parse_policy_option(argc, argv, &i, &p, &out)) {
			return CLI_EXIT_USAGE;
		}
	}
	if (out == NULL) {
		cli_error("policy build needs -o FILE");
		return CLI_EXIT_USAGE;
	}
	status = policy_encode(&p, page);
	if (status != POLICY_OK) {
		cli_error("policy build: %s", policy_status_str(status));
		return CLI_EXIT_USAGE;
	}
	const struct cli_output output = {out, page, sizeof(page)};
	return cli_write_files(&output, 1) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int cmd_policy_dump(int argc, char **argv)
{
	struct cli_file file;
	struct migration_policy p;
	struct json j;

	if (argc != 1) {
		cli_error("usage: svsm-attest policy dump FILE");
		return CLI_EXIT_USAGE;
	}
	if (!load_policy_file(argv[0], &file, &p)) {
		cli_free_file(&file);
		return CLI_EXIT_USAGE;
	}
	cli_free_file(&file);
	json_begin(&j, stdout);
	json_uint(&j, "version", POLICY_VERSION);
	json_bool(&j, "allow_emulated", (p.flags & POLICY_FLAG_ALLOW_EMULATED) != 0);
	json_bool(&j, "same_measurement", (p.flags & POLICY_FLAG_SAME_MEASUREMENT) != 0);
	json_bool(&j, "no_tcb_downgrade", (p.flags & POLICY_FLAG_NO_TCB_DOWNGRADE) != 0);
	json_object(&j, "min_tcb");
	json_uint(&j, "bootloader", p.min_tcb.bootloader);
	json_uint(&j, "tee", p.min_tcb.tee);
	json_uint(&j, "snp", p.min_tcb.snp);
	json_uint(&j, "microcode", p.min_tcb.microcode);
	json_object_end(&j);
	json_hex_u64(&j, "guest_policy_required", p.guest_policy_required);
	json_hex_u64(&j, "guest_policy_forbidden", p.guest_policy_forbidden | SNP_POLICY_DEBUG);
	json_object(&j, "allowed_measurements");
	for (uint32_t i = 0; i < p.measurement_count; i++) {
		char key[16];

		snprintf(key, sizeof(key), "%u", i);
		json_hex(&j, key, p.measurements[i], SNP_MEASUREMENT_LEN);
	}
	json_object_end(&j);
	json_end(&j);
	return CLI_EXIT_OK;
}

static int cmd_policy(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "build") == 0) {
		return cmd_policy_build(argc - 1, argv + 1);
	}
	if (argc >= 1 && strcmp(argv[0], "dump") == 0) {
		return cmd_policy_dump(argc - 1, argv + 1);
	}
	cli_error("policy needs 'build' or 'dump' (see --help)");
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* Library log lines (e.g. "EMULATED ... proves nothing") go to stderr; JSON to stdout. */
	log_set_level(LOG_LEVEL_INFO);
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[1], "help") == 0) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
	}
	if (strcmp(argv[1], "verify") == 0) {
		return cmd_verify(argc - 2, argv + 2);
	}
	if (strcmp(argv[1], "emulate") == 0) {
		return cmd_emulate(argc - 2, argv + 2);
	}
	if (strcmp(argv[1], "policy") == 0) {
		return cmd_policy(argc - 2, argv + 2);
	}
	cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
