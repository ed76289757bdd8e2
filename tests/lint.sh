#!/usr/bin/env bash
# Style checks that `make test` counts: every C source and header of ours is clang-formatted
# with the root .clang-format, clang-tidy finds nothing with the root .clang-tidy (`make tidy`,
# about two minutes on two CPUs), and shell scripts parse.
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t c_files < <(git ls-files '*.c' '*.h')
mapfile -t sh_files < <(git ls-files '*.sh' '.ci/run')
echo "[test] PLAN 3"
echo "[test] RUN lint.clang_format"
if out=$(clang-format --dry-run --Werror "${c_files[@]}" 2>&1); then
	echo "[test] PASS lint.clang_format"
else
	echo "[test] Failure: files not clang-formatted (run make format):"
	grep -o '^[^:]*:[0-9]*:' <<<"$out" | cut -d: -f1 | sort -u | sed 's/^/  /'
	echo "[test] FAIL lint.clang_format"
fi
echo "[test] RUN lint.clang_tidy"
# Run from `make test`: a fresh make, not a child of the caller's jobserver.
if out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory tidy 2>&1); then
	echo "[test] PASS lint.clang_tidy"
else
	echo "[test] Failure: clang-tidy findings (run make tidy):"
	grep -E '(error|warning):|\*\*\*' <<<"$out" | sed 's/^/  /'
	echo "[test] FAIL lint.clang_tidy"
fi
echo "[test] RUN lint.shell_syntax"
bad=0
for f in "${sh_files[@]}"; do
	if ! bash -n "$f" 2>/dev/null; then
		echo "[test] Failure: $f does not parse"
		bad=1
	fi
done
if [ "$bad" -eq 0 ]; then
	echo "[test] PASS lint.shell_syntax"
else
	echo "[test] FAIL lint.shell_syntax"
fi
