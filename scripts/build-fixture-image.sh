#!/usr/bin/env bash
# Builds a real Debian 12 image from the Debian archive as an OCI image layout, for seatbelt's tests,
# benchmarks and README demo. mmdebstrap builds each filesystem state; umoci (an independent OCI
# writer) turns the states into layers, so seatbelt's reader is never only tested on its own output.
#
# Usage: scripts/build-fixture-image.sh KIND OUT_DIR
#   KIND minbase  one layer: Debian 12 minbase
#        python   one layer: minbase + python3
#        bench    three layers: minbase; + python3 python3-venv curl openssl ca-certificates with
#                 e2fsprogs purged (so the layer carries whiteouts); + a venv of pinned old PyPI
#                 packages (requests==2.19.0 urllib3==1.24.1 jinja2==2.10 pyyaml==5.3) and an npm
#                 application in /srv/app (express@4.16.0 lodash@4.17.4 minimist@0.0.8, installed
#                 by this machine's npm into the image: the image itself has no Node.js)
# The result is the OCI layout OUT_DIR with the image tagged KIND. Needs root, mmdebstrap, umoci,
# rsync, and npm for bench.
set -euo pipefail

kind=${1:?usage: build-fixture-image.sh minbase|python|bench OUT_DIR}
out=${2:?usage: build-fixture-image.sh minbase|python|bench OUT_DIR}
suite=bookworm
# Fixed, so that files generated during the build get the same mtimes on every run.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

for tool in mmdebstrap umoci rsync; do
  command -v "$tool" >/dev/null || { echo "build-fixture-image: $tool is missing; run: apt-get install -y mmdebstrap umoci rsync" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/seatbelt-fixture.XXXXXX")
trap 'rm -rf "$work"' EXIT

# pip inside the chroot must trust the same CAs as this machine (a TLS-inspecting proxy may sit
# between us and PyPI); the bundle is copied in for the install and removed before the layer is cut.
host_ca=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}

state() { # state NAME [mmdebstrap options…]
  local name=$1; shift
  mmdebstrap --quiet --variant=minbase --mode=root "$@" "$suite" "$work/$name" >"$work/$name.log" 2>&1 \
    || { cat "$work/$name.log" >&2; echo "build-fixture-image: mmdebstrap failed for state $name" >&2; exit 2; }
}

layer() { # layer STATE: make the bundle's rootfs equal STATE and cut a layer from the difference
  rsync -aHAX --delete "$work/$1/" "$work/bundle/rootfs/"
  # --refresh-bundle: the next layer is cut against this one, not against the empty base.
  umoci repack --refresh-bundle --image "$out:$kind" "$work/bundle"
}

python_packages=(python3 python3-venv curl openssl ca-certificates)
purge_hook='chroot "$1" dpkg --purge e2fsprogs'
# requests 2.19.0 declares urllib3<1.24, so the pinned set (the one issue #2 names) is installed
# with --no-deps plus the other dependencies at versions of that time: a conflicting, vulnerable
# environment, as real ones often are. A clean environment keeps the host's CA variables (which
# point at host paths) from overriding the copied bundle.
pip_env='env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root PIP_CERT=/tmp/host-ca.crt REQUESTS_CA_BUNDLE=/tmp/host-ca.crt SSL_CERT_FILE=/tmp/host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1'
venv_hooks=(
  --customize-hook='chroot "$1" python3 -m venv /opt/venv'
  --customize-hook="cp '$host_ca' \"\$1/tmp/host-ca.crt\""
  --customize-hook="$pip_env chroot \"\$1\" /opt/venv/bin/pip install --quiet --no-cache-dir --no-deps requests==2.19.0 urllib3==1.24.1 jinja2==2.10 pyyaml==5.3 chardet==3.0.4 idna==2.7 certifi==2018.4.16 MarkupSafe==1.1.1"
  --customize-hook='rm -f "$1/tmp/host-ca.crt"'
)
# Old releases with known advisories and a real dependency tree (express pulls ~50 packages, some
# nested at other versions); --ignore-scripts: install scripts would run on this machine.
npm_hooks=(
  --customize-hook='mkdir -p "$1/srv/app" && npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$1/srv/app" express@4.16.0 lodash@4.17.4 minimist@0.0.8'
)

case "$kind" in
  minbase) state s1 ;;
  python) state s1 --include=python3 ;;
  bench)
    state s1
    state s2 --include="$(IFS=,; echo "${python_packages[*]}")" --customize-hook="$purge_hook"
    command -v npm >/dev/null || { echo "build-fixture-image: npm is missing; run: apt-get install -y npm" >&2; exit 2; }
    state s3 --include="$(IFS=,; echo "${python_packages[*]}")" --customize-hook="$purge_hook" "${venv_hooks[@]}" "${npm_hooks[@]}"
    ;;
  *) echo "build-fixture-image: unknown kind $kind (minbase, python, bench)" >&2; exit 2 ;;
esac

rm -rf "$out"
umoci init --layout "$out"
umoci new --image "$out:$kind"
umoci unpack --image "$out:$kind" "$work/bundle" >/dev/null
for s in s1 s2 s3; do
  [ -d "$work/$s" ] && layer "$s"
done
umoci config --image "$out:$kind" --config.cmd=/bin/sh --config.workingdir=/ \
  --config.env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --author=seatbelt-fixtures --created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
umoci gc --layout "$out"
echo "$out:$kind"
