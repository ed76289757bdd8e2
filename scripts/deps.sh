#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Prepares everything svsm-migrate needs from the system on a Debian 12 machine:
#   1. the Debian packages of the toolchain, QEMU and helper tools;
#   2. the pinned mbedTLS and libcbor orig tarballs from Debian's *source* packages (trixie),
#      checked against known sha256 sums and cached under build/deps/src;
#   3. their extracted source trees under build/deps/src/<name>-<version>.
# Compiling the libraries is done by make (mk/deps.mk), which runs this script first.
#
# Usage: scripts/deps.sh [build-dir]     (default build-dir: build)
#        scripts/deps.sh --show-source-entry   print the deb-src entry it would add, change nothing
# Runs as root (CI) or as a user with sudo. Idempotent; fast when everything is present.
set -euo pipefail

BUILD_DIR=build
if [ $# -gt 0 ] && [ "$1" != "--show-source-entry" ]; then
	BUILD_DIR=$1
fi
SRC_DIR="$BUILD_DIR/deps/src"

MBEDTLS_PKG_VERSION="3.6.6-0.1~deb13u1"
MBEDTLS_TARBALL="mbedtls_3.6.6.orig.tar.bz2"
MBEDTLS_SHA256="8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a"
MBEDTLS_TREE="mbedtls-3.6.6"

CBOR_PKG_VERSION="0.10.2-2"
CBOR_TARBALL="libcbor_0.10.2.orig.tar.gz"
CBOR_SHA256="e75f712215d7b7e5c89ef322a09b701f7159f028b8b48978865725f00f79875b"
CBOR_TREE="libcbor-0.10.2"

# The suite that carries the pinned versions, and where we describe it for apt. SVSM_DEPS_APT_DIR
# only exists to test the parsing of apt sources against sample files.
SOURCE_SUITE="trixie"
APT_DIR=${SVSM_DEPS_APT_DIR:-/etc/apt}
SOURCE_LIST="$APT_DIR/sources.list.d/svsm-migrate-src.sources"

REQUIRED_PACKAGES=(
	gcc make binutils nasm qemu-system-x86 libssl-dev clang-format clang-tidy clang
	libclang-rt-14-dev
	bzip2 gzip tar xz-utils coreutils ca-certificates dpkg-dev apt
)

APT_UPDATED=0

step() {
	printf '[deps] %s\n' "$*"
}

die() {
	printf '[deps] error: %s\n' "$*" >&2
	exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root for '$*': run as root or install sudo"
	fi
}

apt_update_once() {
	if [ "$APT_UPDATED" -eq 1 ]; then
		return
	fi
	step "apt-get update"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
		die "apt-get update failed (network or apt sources?)"
	APT_UPDATED=1
}

MISSING_PACKAGES=()

find_missing_packages() {
	local pkg status
	for pkg in "${REQUIRED_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
		if [ "${status:0:2}" != "ii" ]; then
			MISSING_PACKAGES+=("$pkg")
		fi
	done
}

install_packages() {
	if [ "${#MISSING_PACKAGES[@]}" -eq 0 ]; then
		step "packages: all ${#REQUIRED_PACKAGES[@]} present"
		return
	fi
	step "packages: installing ${MISSING_PACKAGES[*]}"
	apt_update_once
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${MISSING_PACKAGES[@]}" || die "apt-get install ${MISSING_PACKAGES[*]} failed"
}

sha256_of() {
	sha256sum "$1" | cut -d' ' -f1
}

tarball_ok() {
	local file="$SRC_DIR/$1" want=$2
	[ -f "$file" ] && [ "$(sha256_of "$file")" = "$want" ]
}

# Prints "uri<TAB>signed-by" for every enabled entry of the machine's apt sources, one-line and
# deb822 alike, whose suite is a plain Debian release (not -security, -updates, -backports) with
# component main. signed-by is "-" when the entry has none.
list_debian_main_entries() {
	local codename
	# shellcheck source=/dev/null
	codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
	local release_names="$codename stable oldstable testing unstable sid bullseye bookworm trixie forky"
	local f
	for f in "$APT_DIR/sources.list" "$APT_DIR"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v names="$release_names" '
			BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) release[a[i]] = 1 }
			/^[ \t]*(deb|deb-src)[ \t]/ {
				sub(/#.*/, "")
				signed = "-"
				if (match($0, /\[[^]]*\]/)) {
					opts = substr($0, RSTART + 1, RLENGTH - 2)
					$0 = substr($0, 1, RSTART - 1) substr($0, RSTART + RLENGTH)
					m = split(opts, o, /[ \t]+/)
					for (i = 1; i <= m; i++) {
						if (o[i] ~ /^signed-by=/) { signed = substr(o[i], 11) }
					}
				}
				uri = $2; suite = $3; has_main = 0
				for (i = 4; i <= NF; i++) { if ($i == "main") has_main = 1 }
				if (release[suite] && has_main && uri !~ /security/) { print uri "\t" signed }
			}' "$f"
	done
	for f in "$APT_DIR"/sources.list.d/*.sources; do
		if [ ! -f "$f" ] || [ "$f" = "$SOURCE_LIST" ]; then
			continue
		fi
		awk -v names="$release_names" '
			BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) release[a[i]] = 1; reset() }
			function reset() { uris = ""; suites = ""; comps = ""; signed = "-"; enabled = 1; key = "" }
			function flush(   nu, u, ns, s, nc, c, i, j, ok) {
				if (!enabled || uris == "") { reset(); return }
				nc = split(comps, c, /[ \t]+/); ok = 0
				for (i = 1; i <= nc; i++) { if (c[i] == "main") ok = 1 }
				ns = split(suites, s, /[ \t]+/); nu = split(uris, u, /[ \t]+/)
				for (i = 1; ok && i <= ns; i++) {
					if (!release[s[i]]) continue
					for (j = 1; j <= nu; j++) {
						if (u[j] != "" && u[j] !~ /security/) { print u[j] "\t" signed; ok = 0; break }
					}
				}
				reset()
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { next }
			{
				key = tolower(substr($0, 1, index($0, ":") - 1))
				val = substr($0, index($0, ":") + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", val)
				if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "components") comps = val
				else if (key == "enabled" && tolower(val) == "no") enabled = 0
				else if (key == "signed-by" && val ~ /^\//) signed = val
			}
			END { flush() }' "$f"
	done
}

# Prints the deb822 entry for the pinned sources, derived from the main Debian archive entry.
source_entry() {
	local entry uri signed
	entry=$(list_debian_main_entries | sed -n 1p)
	[ -n "$entry" ] ||
		die "no apt source for the main Debian archive found in $APT_DIR/sources.list{,.d}; add one, or a deb-src entry for $SOURCE_SUITE"
	uri=${entry%%$'\t'*}
	signed=${entry#*$'\t'}
	printf '# Written by svsm-migrate scripts/deps.sh: sources of the pinned mbedTLS and libcbor.\n'
	printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$SOURCE_SUITE"
	if [ "$signed" != "-" ]; then
		printf 'Signed-By: %s\n' "$signed"
	fi
}

write_source_entry() {
	local entry
	entry=$(source_entry)
	step "apt sources: adding $(printf '%s' "$entry" | awk '/^URIs:/ {print $2}') $SOURCE_SUITE (deb-src) as $SOURCE_LIST"
	printf '%s\n' "$entry" | as_root tee "$SOURCE_LIST" >/dev/null
}

# grep without -q reads all input: an early exit would kill apt-cache with SIGPIPE, which
# pipefail reports as a failure.
source_version_known() {
	local pkg=$1 version=$2
	apt-cache showsrc "$pkg" 2>/dev/null | grep -x "Version: $version" >/dev/null
}

tarballs_cached() {
	tarball_ok "$MBEDTLS_TARBALL" "$MBEDTLS_SHA256" && tarball_ok "$CBOR_TARBALL" "$CBOR_SHA256"
}

sources_known() {
	source_version_known mbedtls "$MBEDTLS_PKG_VERSION" &&
		source_version_known libcbor "$CBOR_PKG_VERSION"
}

fetch_tarballs() {
	sources_known ||
		die "apt does not know source packages mbedtls=$MBEDTLS_PKG_VERSION and libcbor=$CBOR_PKG_VERSION even with $SOURCE_LIST"
	step "sources: apt-get source mbedtls=$MBEDTLS_PKG_VERSION libcbor=$CBOR_PKG_VERSION"
	local sandbox=()
	# As root, apt would drop to the _apt user, which cannot write our build directory.
	if [ "$(id -u)" -eq 0 ]; then
		sandbox=(-o APT::Sandbox::User=root)
	fi
	(cd "$SRC_DIR" && apt-get source -qq "${sandbox[@]}" --download-only --tar-only \
		"mbedtls=$MBEDTLS_PKG_VERSION" "libcbor=$CBOR_PKG_VERSION") ||
		die "apt-get source failed"
}

verify_tarball() {
	local name=$1 want=$2 file="$SRC_DIR/$1" got
	[ -f "$file" ] || die "$name was not downloaded"
	got=$(sha256_of "$file")
	if [ "$got" != "$want" ]; then
		mv -f "$file" "$file.bad"
		die "$name: sha256 $got, expected $want (kept as $file.bad; next run downloads again)"
	fi
	step "verified $name (sha256 $want)"
}

# Extracts a tarball into SRC_DIR/<tree> unless that tree came from the same tarball. The tree is
# built in a temporary directory and renamed, so an interrupted run never leaves half a tree.
extract_tarball() {
	local name=$1 sum=$2 tree=$3 dest="$SRC_DIR/$3" tmp
	if [ -f "$dest/.svsm-extracted" ] && [ "$(cat "$dest/.svsm-extracted")" = "$sum" ]; then
		step "extract: $tree up to date"
		return
	fi
	step "extract: $name -> $dest"
	tmp="$SRC_DIR/.extract-$tree"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xf "$SRC_DIR/$name" -C "$tmp" --strip-components=1 || die "cannot extract $name"
	printf '%s\n' "$sum" >"$tmp/.svsm-extracted"
	rm -rf "$dest"
	mv "$tmp" "$dest"
}

main() {
	local need_fetch=0
	if [ "${1:-}" = "--show-source-entry" ]; then
		source_entry
		return
	fi
	mkdir -p "$SRC_DIR"
	find_missing_packages
	if tarballs_cached; then
		step "sources: $MBEDTLS_TARBALL and $CBOR_TARBALL cached"
	else
		need_fetch=1
		if ! sources_known; then
			write_source_entry
			APT_UPDATED=0
			apt_update_once
		fi
	fi
	install_packages
	if [ "$need_fetch" -eq 1 ]; then
		fetch_tarballs
	fi
	verify_tarball "$MBEDTLS_TARBALL" "$MBEDTLS_SHA256"
	verify_tarball "$CBOR_TARBALL" "$CBOR_SHA256"
	extract_tarball "$MBEDTLS_TARBALL" "$MBEDTLS_SHA256" "$MBEDTLS_TREE"
	extract_tarball "$CBOR_TARBALL" "$CBOR_SHA256" "$CBOR_TREE"
}

main "$@"
