/* SPDX-License-Identifier: MIT */
#ifndef HOST_ATTEST_GEN_EMBED_H
#define HOST_ATTEST_GEN_EMBED_H

/* argv: --out FILE.c FIXTURE...; returns the process exit status. */
int embed_fixtures(int argc, char **argv);

#endif
