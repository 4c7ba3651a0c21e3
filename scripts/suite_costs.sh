#!/usr/bin/env bash
# Remakes tests/suite_costs.txt from the seconds ctest measured in the last full run of a
# build folder (default build/): ctest reads them as COST so the longest suites start first.
# Usage: scripts/suite_costs.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-build}/Testing/Temporary/CTestCostData.txt
[ -f "$data" ] || { echo "error: $data not found: run the whole suite with ctest first" >&2; exit 1; }
{
  sed -n '1,4p' tests/suite_costs.txt
  # Lines "name runs seconds" until the "---" that starts the failed-test list.
  awk '/^---/{exit} NF==3{split($1, a, "."); s[a[1]] += $3}
       END{for (k in s) if (s[k] >= 20) printf "%s %d\n", k, s[k] + 0.5}' "$data" | sort -k2 -rn
} > tests/suite_costs.txt.new
mv tests/suite_costs.txt.new tests/suite_costs.txt
echo "suite_costs.sh: $(grep -vc '^#' tests/suite_costs.txt) suites written to tests/suite_costs.txt"
