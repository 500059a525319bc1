#!/usr/bin/env bash
# Sign/verify benchmark (docs/benchmarks.md, "Sign and verify"): `seatbelt sign` and
# `seatbelt verify` of the three-layer bench image in an `oci-dir:` layout (hard-linked copy of
# the cached fixture, so signing never touches the cache). Each is run RUNS times; reported: the
# best wall time and the median user+sys CPU time (the figure that survives a loaded machine).
#   sign        unencrypted PKCS#8 P-256 key: resolve, payload, ECDSA, blobs and index.json written
#   sign-enc    cosign's encrypted key format: the same plus scrypt (N=65536, r=8, 64 MiB: what cosign writes)
#   verify      one signature at the .sig tag and one OCI 1.1 referrer, both checked
# Target: sign and verify ≤ 50 ms each. Verification must not read layer blobs: the run is
# repeated with every layer blob removed from the copy and must still pass.
# Usage: scripts/bench-sign.sh [RUNS]   (run as root for the fixture build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
profile="${SEATBELT_BENCH_PROFILE:-release}"
if [ "$profile" = release ]; then cargo build -q --locked --release -p seatbelt; else cargo build -q --locked -p seatbelt; fi
seatbelt="$target/$profile/seatbelt"
cache=${SEATBELT_FIXTURE_CACHE:-$PWD/target/seatbelt-fixtures}
[ -f "$cache/bench/index.json" ] || bash scripts/build-fixture-image.sh bench "$cache/bench" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -al "$cache/bench" "$work/layout"
# The layout's index.json is rewritten by signing (atomically, by rename): never through a link.
cp --remove-destination "$cache/bench/index.json" "$work/layout/index.json"
image="oci-dir:$work/layout:bench"
cd "$work"
export SEATBELT_PASSWORD=bench
"$seatbelt" key generate --output-prefix enc >/dev/null 2>&1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out plain.key 2>/dev/null
openssl pkey -in plain.key -pubout -out plain.pub 2>/dev/null
"$seatbelt" sign --key plain.key "$image" >/dev/null
"$seatbelt" sign --key plain.key --registry-referrers=oci-1-1 "$image" >/dev/null

# measure NAME CMD…: prints "NAME best_wall_s median_cpu_s". Python times each run: wall by
# perf_counter, CPU by the children's rusage (GNU time rounds to 10 ms, too coarse here).
measure() {
  python3 - "$runs" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, name, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
walls, cpus = [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
print(name, min(walls), statistics.median(cpus))
PY
}

results=()
results+=("$(measure verify "$seatbelt" verify --key plain.pub "$image")")
results+=("$(measure sign "$seatbelt" sign --key plain.key "$image")")
results+=("$(measure sign-enc "$seatbelt" sign --key enc.key "$image")")

# Verification reads no layer blob: remove them all (links only) and verify again.
python3 - "$work/layout" <<'PY'
import json, os, sys
root = sys.argv[1]
index = json.load(open(f"{root}/index.json"))
entry = next(e for e in index["manifests"] if e.get("annotations", {}).get("org.opencontainers.image.ref.name") == "bench")
manifest = json.load(open(f"{root}/blobs/sha256/" + entry["digest"].split(":")[1]))
for layer in manifest["layers"] + [manifest["config"]]:
    os.unlink(f"{root}/blobs/sha256/" + layer["digest"].split(":")[1])
PY
"$seatbelt" verify --key plain.pub "$image" >/dev/null || { echo "verify read a layer or config blob" >&2; exit 1; }

echo "| operation | best wall | median user+sys | runs |"
echo "| --- | --- | --- | --- |"
for r in "${results[@]}"; do
  read -r name wall cpu <<<"$r"
  printf '| %s | %.0f ms | %.0f ms | %s |\n' "$name" "$(python3 -c "print($wall*1000)")" "$(python3 -c "print($cpu*1000)")" "$runs"
done
echo
echo "verify with every layer and config blob removed: passed (no layer is read)"
