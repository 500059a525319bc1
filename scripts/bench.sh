#!/usr/bin/env bash
# The image-reading benchmark of docs/benchmarks.md. Builds the three-layer bench image (cached),
# then measures, each as the best wall time of several runs with peak RSS:
#   floor    zcat of every layer blob to /dev/null, one after another (a single thread's floor)
#   walk     seatbelt files IMAGE --history > /dev/null (every entry of every layer, whiteouts applied)
#   sbom     seatbelt sbom IMAGE --format json > /dev/null (every cataloger)
#   sbom-1M  the same on a generated one-layer image of 1,000,000 small files (bounded memory)
#   copy     registry -> fresh oci-dir, seatbelt copy vs skopeo copy, from a loopback docker-registry
#   harden   the python fixture: copy, the inflate floor, harden without and with the layer cache
# Usage: scripts/bench.sh [RUNS]   (run as root; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bash scripts/install-deps.sh
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
# Two builds: `--example` alone would build only the example, not the seatbelt binary.
cargo build --release --locked --quiet -p seatbelt --bin seatbelt
cargo build --release --locked --quiet -p seatbelt-test --example many_files_image
seatbelt=$(realpath "${CARGO_TARGET_DIR:-target}")/release/seatbelt
cache=${SEATBELT_FIXTURE_CACHE:-$PWD/target/seatbelt-fixtures}
layout=$cache/bench
[ -f "$layout/index.json" ] || bash scripts/build-fixture-image.sh bench "$layout" >/dev/null
work=$(mktemp -d)
reg_pid=""
cleanup() { [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# rows "NAME SECONDS KIB"…: Markdown table rows, RSS in MiB
rows() {
  for r in "$@"; do
    read -r name secs kib <<<"$r"
    echo "| $name | $secs | $(awk "BEGIN{printf \"%.1f\", $kib/1024}") |"
  done
}

# best_of NAME CMD…: runs CMD $runs times; prints "NAME best_seconds max_rss_kib"
best_of() {
  local name=$1; shift
  local best="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r secs kib <"$work/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    [ "$kib" -gt "$rss" ] && rss=$kib
  done
  echo "$name $best $rss"
}

blobs=$(python3 - "$layout" <<'PY'
import json, sys
root = sys.argv[1]
index = json.load(open(f"{root}/index.json"))
manifest = index["manifests"][0]["digest"].split(":")[1]
m = json.load(open(f"{root}/blobs/sha256/{manifest}"))
print(" ".join(f"{root}/blobs/sha256/" + l["digest"].split(":")[1] for l in m["layers"]))
PY
)
compressed=$(du -cb $blobs | tail -1 | cut -f1)
uncompressed=$(for b in $blobs; do zcat "$b" | wc -c; done | awk '{s+=$1} END {print s}')

results=()
results+=("$(best_of floor sh -c "for b in $blobs; do zcat \"\$b\" >/dev/null; done")")
results+=("$(best_of walk "$seatbelt" files "oci-dir:$layout:bench" --history)")
results+=("$(best_of sbom "$seatbelt" sbom "oci-dir:$layout:bench" --format json)")
many=$cache/many-files
[ -f "$many/index.json" ] || "$(dirname "$seatbelt")/examples/many_files_image" "$many" 1000000 >/dev/null
results+=("$(best_of sbom-1M-files "$seatbelt" sbom "oci-dir:$many:many" --format json)")

# A loopback registry holding the image, for the pull comparison.
port=5077
mkdir -p "$work/registry"
cat >"$work/registry.yml" <<YML
version: 0.1
storage: { filesystem: { rootdirectory: $work/registry }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port }
log: { level: error }
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
"$seatbelt" -q copy "oci-dir:$layout:bench" "127.0.0.1:$port/bench:latest"
results+=("$(best_of copy-seatbelt sh -c "rm -rf $work/s && $seatbelt -q copy 127.0.0.1:$port/bench:latest oci-dir:$work/s:bench")")
results+=("$(best_of copy-skopeo sh -c "rm -rf $work/k && skopeo copy -q --src-tls-verify=false docker://127.0.0.1:$port/bench:latest oci:$work/k:bench")")

echo "image: $(echo $blobs | wc -w) layers, $compressed bytes compressed, $uncompressed bytes uncompressed; $(nproc) cores; best of $runs runs"
echo
echo "| measurement | wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
rows "${results[@]}"

# harden (issue #7): wall time of `seatbelt harden` of the Debian+python fixture against
# `seatbelt copy` of it, both oci-dir -> fresh oci-dir (best of $runs): first with no layer cache
# (every layer inflated and analysed), then with the cache warm (the same image again), then an
# app rebuilt on the cached base (a new top layer each run, so only it is read); then the
# deterministic size and file-count reduction from harden's JSON report.
py=$cache/python
[ -f "$py/index.json" ] || bash scripts/build-fixture-image.sh python "$py" >/dev/null
layer_cache=$work/layer-cache
for i in $(seq "$runs"); do
  python3 scripts/oci-add-layer.py "$py" "$work/app$i" srv/app.py "print('build $i')"
done
echo 0 >"$work/next-app"
hr=()
hr+=("$(best_of copy sh -c "rm -rf $work/pc && $seatbelt -q copy oci-dir:$py oci-dir:$work/pc:p")")
hr+=("$(best_of files-floor "$seatbelt" -q files "oci-dir:$py")")
hr+=("$(best_of harden-no-cache sh -c "rm -rf $work/ph && $seatbelt -q harden --no-cache oci-dir:$py -o oci-dir:$work/ph:p")")
"$seatbelt" -q harden --cache-dir "$layer_cache" "oci-dir:$py" -o "oci-dir:$work/ph:p"
hr+=("$(best_of harden-cached sh -c "rm -rf $work/ph && $seatbelt -q harden --cache-dir $layer_cache oci-dir:$py -o oci-dir:$work/ph:p")")
hr+=("$(best_of harden-new-app-layer sh -c "n=\$((\$(cat $work/next-app) + 1)); echo \$n >$work/next-app; rm -rf $work/pa && $seatbelt -q harden --cache-dir $layer_cache oci-dir:$work/app\$n:app -o oci-dir:$work/pa:p")")
rm -rf "$work/ph"
"$seatbelt" -q harden --no-cache "oci-dir:$py" -o "oci-dir:$work/ph:p" --report "$work/harden.json" --report-format json
echo
echo "| harden (python fixture, oci-dir -> oci-dir) | wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
rows "${hr[@]}"
python3 - "$work/harden.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fb, fr, bb, br = r["files_before"], r["files_removed"], r["bytes_before"], r["bytes_removed"]
print(f"\nhardened: {fr} of {fb} files removed ({100*fr/fb:.1f}%), {br} of {bb} bytes ({100*br/bb:.1f}%); "
      f"added layer {r['layer_size']} bytes; {len(r['changes'])} paths re-added with new modes or owners")
PY
