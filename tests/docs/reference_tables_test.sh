#!/usr/bin/env bash
# The committed reference tables are what the committed spec produces: regenerate them with
# the binary under test and compare byte for byte (scripts/reference_tables.sh refreshes them).
# usage: reference_tables_test.sh MODESWEEP_BINARY SOURCE_DIR WORKDIR
set -euo pipefail
binary=$1 source=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$binary" table "$source/jobs/reference-tables.toml" --output "$work/reference-tables" >/dev/null
status=0
for ext in md csv tex; do
  if ! cmp -s "$work/reference-tables.$ext" "$source/docs/reference-tables.$ext"; then
    echo "reference_tables_test: FAIL: docs/reference-tables.$ext differs from a fresh run:"
    diff "$source/docs/reference-tables.$ext" "$work/reference-tables.$ext" | head -20 || true
    echo "(run bash scripts/reference_tables.sh and commit the result if the change is intended)"
    status=1
  fi
done
[ $status -eq 0 ] && echo "reference_tables_test: OK: docs/reference-tables.{md,csv,tex} reproduce"
exit $status
