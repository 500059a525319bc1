#!/usr/bin/env bash
# The main job on a real example: builds a small Debian 12 image from the Debian archive, then
# runs seatbelt on it. Each step prints what it does. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Release by default; CI sets SEATBELT_DEMO_PROFILE=dev to reuse the test build instead of
# compiling the workspace a second time.
profile=${SEATBELT_DEMO_PROFILE:-release}
cargo build --profile "$profile" --locked --quiet -p seatbelt
[ "$profile" = dev ] && profile_dir=debug || profile_dir=$profile
seatbelt=${CARGO_TARGET_DIR:-target}/$profile_dir/seatbelt
out=${DEMO_DIR:-target/demo}
# The tests build the same image into this cache; reuse it when it is there.
fixtures=${SEATBELT_FIXTURE_CACHE:-target/seatbelt-fixtures}
mkdir -p "$out" "$fixtures"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Build a Debian 12 (minbase + python3) image from the Debian archive"
[ -f "$fixtures/python/index.json" ] || bash scripts/build-fixture-image.sh python "$fixtures/python" >/dev/null
image="oci-dir:$fixtures/python:python"
echo "$fixtures/python (an OCI layout written by umoci, tag python)"

step "seatbelt inspect $image"
$seatbelt inspect "$image"

step "seatbelt copy to a docker-archive (what docker load reads) and back"
$seatbelt copy "$image" "docker-archive:$out/python.tar:demo/python:latest"
$seatbelt inspect "docker-archive:$out/python.tar" --format json | head -12

step "seatbelt copy to a directory: safe extraction of the final filesystem"
rm -rf "$out/rootfs"
$seatbelt copy "$image" "dir:$out/rootfs"
ls "$out/rootfs"

step "seatbelt files --history: every version of every file, deleted ones included (first lines)"
$seatbelt files "$image" --history | head -8 || true

step "seatbelt sbom: every package (table), then CycloneDX 1.6 and SPDX 2.3 files"
$seatbelt sbom "$image" --format table | head -15
$seatbelt sbom "$image" --format cyclonedx-json -o "$out/sbom.cdx.json"
$seatbelt sbom "$image" --format spdx-json -o "$out/sbom.spdx.json"
python="${SEATBELT_PYVENV:-${XDG_CACHE_HOME:-$HOME/.cache}/seatbelt/pyvenv}/bin/python"
"$python" scripts/validate-sbom.py "$out/sbom.cdx.json" "$out/sbom.spdx.json"

step "seatbelt scan: vulnerabilities, offline, from a DB built with db import (the demo's hand-written advisories)"
rm -f "$out/db"
$seatbelt -q db import --db "$out/db" --fresh examples/advisories
$seatbelt db status --db "$out/db"
$seatbelt scan "$image" --offline --db "$out/db"
$seatbelt scan "$image" --offline --db "$out/db" --format sarif -o "$out/scan.sarif"
"$python" scripts/validate-sarif.py "$out/scan.sarif"

step "seatbelt audit: what the built image gets wrong (root user, setuid files, shells, secrets…)"
$seatbelt audit "$image" --format json -o "$out/audit.json"
$seatbelt audit "$image" | head -30

step "seatbelt lint: a first Dockerfile, checked before it is built"
# Exit 1 means "findings at or above --fail-on" (low by default), as hadolint does; 2 is an error.
$seatbelt lint examples/app/Dockerfile || [ $? -eq 1 ]

step "seatbelt harden: non-root, no package managers, setuid bits or docs, one added layer; the report says what and why"
rm -rf "$out/hardened"
$seatbelt harden "$image" -o "oci-dir:$out/hardened:python" --report "$out/harden-report.txt" \
  --seccomp-out "$out/seccomp.json" --k8s-out "$out/pod.yaml"
sed -n '1,30p' "$out/harden-report.txt"
hardened="oci-dir:$out/hardened:python"

step "Sign the hardened image, attest its SBOM, verify both (cosign's formats; demo key, password 'demo')"
export SEATBELT_PASSWORD=demo
rm -f "$out/demo.key" "$out/demo.pub"
$seatbelt key generate --output-prefix "$out/demo"
$seatbelt sign --key "$out/demo.key" "$hardened"
$seatbelt verify --key "$out/demo.pub" "$hardened"
$seatbelt sbom "$hardened" --format cyclonedx-json -o "$out/hardened.cdx.json" --attest --key "$out/demo.key"
$seatbelt verify-attestation --key "$out/demo.pub" --type cyclonedx "$hardened"
