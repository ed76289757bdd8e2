/* SPDX-License-Identifier: MIT */
/*
 * Writes the fuzz targets' seed corpora from valid inputs made with the real encoders: every
 * record type (sealed ones under the fuzz key, so the record target starts from records that
 * authenticate), ring sessions around an index wrap, and control pages with each command.
 * Usage: gen-seeds <dir>  (creates <dir>/record, <dir>/ring, <dir>/control)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "svsm/migrate/control.h"
#include "svsm/migrate/record.h"
#include "svsm/migrate_stream.h"

#include "fuzz_common.h"

static const char *out_dir;
static uint8_t buf[MIG_RECORD_MAX];
static uint8_t plaintext[MIG_PAGES_PER_RECORD * PAGE_SIZE];
static uint8_t bytes[2048];

static void make_dir(const char *sub)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", out_dir, sub);
	if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
		perror(out_dir);
		exit(1);
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

static void write_seed(const char *sub, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, sub, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static struct mig_record base_record(enum mig_record_type type, uint32_t channel)
{
	struct mig_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = type;
	rec.channel = channel;
	rec.seq = 3;
	return rec;
}

static void write_record(const char *name, const struct mig_record *rec, size_t plaintext_len)
{
	struct crypto_aead key;
	size_t len = 0;
	enum mig_error err;

	if (!mig_record_is_sealed(rec->type)) {
		err = mig_record_encode(rec, buf, sizeof(buf), &len);
	} else {
		if (crypto_aead_init(&key, fuzz_record_key, rec->channel) != CRYPTO_OK) {
			exit(1);
		}
		err = mig_record_seal(&key, rec, plaintext, plaintext_len, buf, sizeof(buf), &len);
		crypto_aead_free(&key);
	}
	if (err != MIG_ERR_NONE) {
		fprintf(stderr, "gen-seeds: %s: error %d\n", name, err);
		exit(1);
	}
	write_seed("record", name, buf, len);
}

static void record_seeds(void)
{
	struct mig_record rec;

	for (size_t i = 0; i < sizeof(bytes); i++) {
		bytes[i] = (uint8_t)(i * 7u);
	}
	rec = base_record(MIG_REC_HELLO, 0);
	rec.version_count = 1;
	rec.versions[0] = MIG_STREAM_VERSION;
	rec.nonce = bytes;
	rec.channels = 4;
	write_record("hello", &rec, 0);

	rec = base_record(MIG_REC_ATTEST, 0);
	rec.report = bytes;
	rec.vcek = (struct mig_bytes){bytes, 400};
	rec.chain = (struct mig_bytes){bytes + 400, 600};
	rec.pubkey = bytes;
	write_record("attest", &rec, 0);

	rec = base_record(MIG_REC_KEYCONFIRM, 0);
	rec.confirm = bytes;
	write_record("keyconfirm", &rec, 0);

	rec = base_record(MIG_REC_PAGES, 2);
	rec.round = 1;
	rec.gpa_count = 3;
	rec.gpas[0] = gpa_init(0x4000000);
	rec.gpas[1] = gpa_init(0x4001000);
	rec.gpas[2] = gpa_init(0x4005000);
	rec.kinds[0] = MIG_PAGE_DATA;
	rec.kinds[1] = MIG_PAGE_ZERO;
	rec.kinds[2] = MIG_PAGE_INVALIDATED;
	write_record("pages", &rec, PAGE_SIZE);

	rec = base_record(MIG_REC_VCPU, 1);
	rec.vcpu = 2;
	write_record("vcpu", &rec, 256);

	rec = base_record(MIG_REC_ROUND_END, 3);
	rec.round = 5;
	rec.count = 4096;
	write_record("round_end", &rec, 0);

	rec = base_record(MIG_REC_COMMIT, 0);
	rec.commit_channels = 2;
	rec.digests[0] = bytes;
	rec.digests[1] = bytes + 48;
	rec.last_seqs[1] = 77;
	rec.pages = 1000;
	rec.vcpus = 4;
	write_record("commit", &rec, 0);

	rec = base_record(MIG_REC_ACK, 0);
	rec.commit_hash = bytes;
	write_record("ack", &rec, 0);
	rec.type = MIG_REC_GO;
	write_record("go", &rec, 0);

	rec = base_record(MIG_REC_ABORT, 5);
	rec.reason = MIG_ERR_TIMEOUT;
	write_record("abort", &rec, 0);

	rec = base_record(MIG_REC_ROUND_ACK, 0);
	rec.round = 2;
	write_record("round_ack", &rec, 0);
}

static size_t put_op(uint8_t *p, size_t at, enum fuzz_ring_op op, const void *arg, size_t n)
{
	p[at++] = (uint8_t)op;
	memcpy(p + at, arg, n);
	return at + n;
}

/* A WRITE_SLOT op carrying a valid ABORT record (the slot header's length is set separately). */
static size_t write_abort_record(uint8_t *p, size_t at, uint8_t slot, uint32_t *record_len)
{
	struct mig_record rec = base_record(MIG_REC_ABORT, 0);
	uint8_t record[64];
	size_t len = 0;
	uint16_t n;

	rec.reason = MIG_ERR_PROTOCOL;
	if (mig_record_encode(&rec, record, sizeof(record) - MIG_TAG_LEN, &len) != MIG_ERR_NONE) {
		exit(1);
	}
	memset(record + len, 0xA5, MIG_TAG_LEN);
	n = (uint16_t)(len + MIG_TAG_LEN);
	p[at++] = FUZZ_RING_WRITE_SLOT;
	p[at++] = slot;
	memcpy(p + at, &n, sizeof(n));
	at += sizeof(n);
	memcpy(p + at, record, n);
	*record_len = n;
	return at + n;
}

static void ring_seed(const char *name, uint32_t start, uint32_t available)
{
	struct fuzz_ring_prefix prefix = {.start = start, .host_prod = start + available};
	uint8_t input[256];
	size_t at = sizeof(prefix);
	uint32_t value = start + available + 1;
	uint16_t len = 300;
	uint8_t next_slot = (uint8_t)((start + available) % MIG_RING_SLOTS);
	uint8_t slot_len[5] = {next_slot, 0, 0, 0, 0};
	uint32_t record_len = 0;

	for (uint32_t i = 0; i < MIG_RING_SLOTS; i++) {
		prefix.slot_length[i] = 64 + i;
	}
	memcpy(input, &prefix, sizeof(prefix));
	for (uint32_t i = 0; i < available; i++) {
		at = put_op(input, at, FUZZ_RING_CONSUME, NULL, 0);
	}
	at = put_op(input, at, FUZZ_RING_SET_PROD, &value, sizeof(value));
	/* One more record, a valid ABORT, in the slot the SVSM takes next. */
	at = write_abort_record(input, at, next_slot, &record_len);
	memcpy(slot_len + 1, &record_len, sizeof(record_len));
	at = put_op(input, at, FUZZ_RING_SET_LENGTH, slot_len, sizeof(slot_len));
	at = put_op(input, at, FUZZ_RING_CONSUME, NULL, 0);
	at = put_op(input, at, FUZZ_RING_PRODUCE, &len, sizeof(len));
	at = put_op(input, at, FUZZ_RING_PRODUCE, &len, sizeof(len));
	value = start + 1;
	at = put_op(input, at, FUZZ_RING_SET_CONS, &value, sizeof(value));
	at = put_op(input, at, FUZZ_RING_PRODUCE, &len, sizeof(len));
	write_seed("ring", name, input, at);
}

static void control_seed(const char *name, enum mig_command command, uint32_t channels)
{
	static uint8_t region[MIG_REGION_SIZE];
	struct mig_control *page = (struct mig_control *)region;
	struct mig_control_svsm ctl;
	struct mig_counters counters = {.round = 2, .pages_sent = 100};
	uint8_t input[FUZZ_CONTROL_HOST_BYTES + 2048];

	mig_control_init(&ctl, region, MIG_STATUS_IDLE);
	mig_control_publish(&ctl, MIG_STATUS_SOURCE_PRECOPY, MIG_ERR_NONE);
	mig_control_publish_counters(&ctl, &counters);
	memset(&page->host, 0, sizeof(page->host));
	page->host.command = command;
	page->host.command_seq = 1;
	page->host.channels = channels;
	page->host.max_rounds = 5;
	memcpy(input, &page->host, FUZZ_CONTROL_HOST_BYTES);
	memcpy(input + FUZZ_CONTROL_HOST_BYTES, region, 2048);
	write_seed("control", name, input, sizeof(input));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <dir>\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	make_dir("record");
	make_dir("ring");
	make_dir("control");
	record_seeds();
	ring_seed("ring-start", 0, 3);
	ring_seed("ring-wrap", 0xFFFFFFFCu, MIG_RING_SLOTS);
	control_seed("send", MIG_CMD_SEND, 4);
	control_seed("receive", MIG_CMD_RECEIVE, 8);
	control_seed("abort", MIG_CMD_ABORT, 0);
	control_seed("bad", MIG_CMD_NONE, 1);
	return 0;
}
