#!/usr/bin/env bash
# Builds a self-contained folder dist/assettrack/ with `assettrack` (GUI) and `assettrack-admin`,
# then smoke-tests the admin binary on a scratch database. Needs the project venv (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { python3 -m venv .venv && .venv/bin/pip install -q -e .; }
.venv/bin/pip install -q "pyinstaller>=6"
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  packaging/assettrack.spec
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dist/assettrack/assettrack-admin --db "$scratch/smoke.db" init
dist/assettrack/assettrack-admin --db "$scratch/smoke.db" verify
echo "Built dist/assettrack/ (run dist/assettrack/assettrack)"
