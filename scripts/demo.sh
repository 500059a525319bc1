#!/usr/bin/env bash
# The main job on a real example: builds a small Debian 12 image from the Debian archive, then
# runs seatbelt on it. Each step prints what it does. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --locked --quiet
seatbelt=target/release/seatbelt
out=${DEMO_DIR:-target/demo}
mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Build a Debian 12 (minbase + python3) image from the Debian archive"
[ -f "$out/python/index.json" ] || bash scripts/build-fixture-image.sh python "$out/python" >/dev/null
echo "$out/python (OCI layout, tag python)"

step "seatbelt inspect oci-dir:$out/python:python"
$seatbelt inspect "oci-dir:$out/python:python"

step "seatbelt copy to a docker-archive (what docker load reads) and back"
$seatbelt copy "oci-dir:$out/python:python" "docker-archive:$out/python.tar:demo/python:latest"
$seatbelt inspect "docker-archive:$out/python.tar" --format json | head -12

step "seatbelt copy to a directory: safe extraction of the final filesystem"
rm -rf "$out/rootfs"
$seatbelt copy "oci-dir:$out/python:python" "dir:$out/rootfs"
ls "$out/rootfs"
