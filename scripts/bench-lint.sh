#!/usr/bin/env bash
# Dockerfile lint benchmark (docs/benchmarks.md, "Dockerfile lint"): 1,000 Dockerfiles (the
# corpus, cycled) linted by seatbelt (release build) in one call and by hadolint in one call.
set -euo pipefail
cd "$(dirname "$0")/.."
pyvenv="${SEATBELT_PYVENV:-${XDG_CACHE_HOME:-$HOME/.cache}/seatbelt/pyvenv}"
hadolint="${HADOLINT:-$pyvenv/bin/hadolint}"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
# SEATBELT_BENCH_PROFILE=debug measures the dev build (dependencies are optimised there too).
profile="${SEATBELT_BENCH_PROFILE:-release}"
if [ "$profile" = release ]; then cargo build -q --locked --release -p seatbelt; else cargo build -q --locked -p seatbelt; fi
seatbelt="$target/$profile/seatbelt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
corpus=(crates/seatbelt-lint/tests/corpus/*.Dockerfile)
for i in $(seq 0 999); do
  cp "${corpus[$((i % ${#corpus[@]}))]}" "$work/$i.Dockerfile"
done
now() { date +%s.%N; }
best() { # best of 3 wall-clock runs of "$@", in seconds
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
    best=$(python3 -c "t=$t1-$t0; b='$best'; print(min(t, float(b)) if b else t)")
  done
  echo "$best"
}
cd "$work"
sb=$(best "$seatbelt" lint --format json ./*.Dockerfile)
echo "seatbelt lint: 1000 Dockerfiles in ${sb}s"
if [ -x "$hadolint" ]; then
  hl=$(best "$hadolint" --no-fail -f json ./*.Dockerfile)
  echo "hadolint $("$hadolint" --version | awk '{print $NF}'): 1000 Dockerfiles in ${hl}s"
  python3 -c "print(f'speed-up: {$hl/$sb:.1f}x')"
else
  echo "hadolint not installed ($hadolint): run scripts/install-deps.sh for the comparison" >&2
fi
