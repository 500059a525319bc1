#!/usr/bin/env bash
# Conformance step of `.ci/run` (issue #4): imports the real advisory data in ../shared/data (when
# this checkout has it beside it) into a fresh DB, scans the Debian 12 bench fixture image (bookworm without -security, old pip and npm pins) with
# it, and prints the finding counts by severity. Not a test: the data is not the project's and
# changes; the numbers are for people to read. Skips with a message when the data is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${SEATBELT_SHARED_DATA:-../shared/data}
if [ ! -d "$data" ]; then
  echo "conformance-scan: $data not found; skipped"
  exit 0
fi
cargo build --locked --quiet -p seatbelt
seatbelt=$(realpath "${CARGO_TARGET_DIR:-target}")/debug/seatbelt
cache=${SEATBELT_FIXTURE_CACHE:-$PWD/target/seatbelt-fixtures}
layout=$cache/bench
[ -f "$layout/index.json" ] || bash scripts/build-fixture-image.sh bench "$layout" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
for p in osv kev alpine-secdb npm-nodejs-security-wg; do
  [ -e "$data/$p" ] && inputs+=("$data/$p")
done
"$seatbelt" db import --db "$work/db" "${inputs[@]}" >"$work/import.log" 2>&1 || { cat "$work/import.log"; exit 1; }
tail -3 "$work/import.log"
"$seatbelt" scan --offline --db "$work/db" --format json -o "$work/report.json" "oci-dir:$layout:bench"
python3 - "$work/report.json" <<'PY'
import collections, json, sys
report = json.load(open(sys.argv[1]))
findings = [f for f in report["findings"] if "suppression" not in f]
counts = collections.Counter(f["severity"] for f in findings)
print(f"conformance-scan: {len(findings)} findings in {report['packages_scanned']} packages of the bench image")
for severity in ["critical", "high", "medium", "low", "negligible", "unknown"]:
    print(f"  {severity:<10} {counts.get(severity, 0)}")
kev = sum(1 for f in findings if "kev" in f)
print(f"  known exploited: {kev}")
for warning in report.get("warnings", []):
    print(f"  warning: {warning}")
PY
