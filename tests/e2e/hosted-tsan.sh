#!/usr/bin/env bash
# The hosted end-to-end run again, with the VM program built under ThreadSanitizer: the
# migration handler, the vCPU threads and the write-tracking faults race on purpose, and a data
# race makes the VM exit non-zero (TSan's exit code 66), which fails the scenario.
set -uo pipefail
here=$(dirname "$0")
HOSTED_VM=${TOOLS:-${BUILD:-build}/tools}/svsm-hosted-vm-tsan "$here/hosted.sh" "$@" |
	sed -u 's/^\(\[test\] [A-Z]* \)hosted_e2e\./\1hosted_e2e_tsan./'
exit "${PIPESTATUS[0]}"
