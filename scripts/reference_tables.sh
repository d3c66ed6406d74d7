#!/usr/bin/env bash
# Regenerates the committed reference tables docs/reference-tables.{md,csv,tex} from
# jobs/reference-tables.toml (about a minute). Builds the release preset first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/release/src/modesweep ]; then
  bash scripts/setup.sh
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(nproc)" --target modesweep
fi
mkdir -p docs
build/release/src/modesweep table jobs/reference-tables.toml --output docs/reference-tables
