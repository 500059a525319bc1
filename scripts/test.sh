#!/usr/bin/env bash
# Runs every test of the workspace against real components: Debian images built from the Debian
# archive (cached in target/seatbelt-fixtures), real registries on loopback, skopeo and umoci as
# independent checkers. Run as root (mmdebstrap and the registry fixtures need it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo test --workspace --locked "$@"
