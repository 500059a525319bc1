#!/usr/bin/env bash
# Builds a Debian 13 (trixie) chroot holding skopeo, the second independent verifier of seatbelt's
# image signatures. bookworm's skopeo is built without sigstore support and trixie's binary needs
# trixie's glibc, so it runs inside its own root filesystem (`chroot OUT skopeo …`); the chroot
# shares this machine's network, so it reaches the loopback registry the tests start.
#
# Usage: scripts/build-skopeo-chroot.sh OUT_DIR
# Needs root and mmdebstrap; reaches only the Debian archive. The tests cache OUT_DIR (keyed by a
# hash of this script) so it is built once per machine.
set -euo pipefail

out=${1:?usage: build-skopeo-chroot.sh OUT_DIR}
suite=trixie

command -v mmdebstrap >/dev/null || { echo "build-skopeo-chroot: mmdebstrap is missing; run: apt-get install -y mmdebstrap" >&2; exit 2; }

work="$out.tmp.$$"
trap 'rm -rf "$work"' EXIT
rm -rf "$work"
# essential + skopeo and what it depends on: the smallest root skopeo runs in (no apt, no docs).
# The host's apt sources name the mirror; the keyring of bookworm's debian-archive-keyring holds
# trixie's keys.
mmdebstrap --quiet --variant=essential --mode=root --include=skopeo \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  "$suite" "$work" >"$work.log" 2>&1 \
  || { cat "$work.log" >&2; rm -f "$work.log"; echo "build-skopeo-chroot: mmdebstrap of $suite failed" >&2; exit 2; }
rm -f "$work.log"
chroot "$work" skopeo --version >/dev/null \
  || { echo "build-skopeo-chroot: skopeo does not run in the chroot" >&2; exit 2; }
rm -rf "$out"
mv "$work" "$out"
