#!/usr/bin/env bash
# The README's test command: type-check, run every test once, then print one plain summary line
# ("N passed, N failed, N skipped") that CI can read (vitest's own summary is not such a line).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-results
echo "== typecheck (tsc --noEmit)"
if ! npx tsc --noEmit; then
  echo "0 passed, 1 failed, 0 skipped (typecheck failed)"
  exit 1
fi
echo "== tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile=.test-results/vitest.json "$@"
status=$?
node -e '
  const fs = require("fs");
  let r; try { r = JSON.parse(fs.readFileSync(".test-results/vitest.json", "utf8")); } catch { console.log("0 passed, 1 failed, 0 skipped (no results written)"); process.exit(0); }
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  const failedSuites = (r.testResults || []).filter((t) => t.status === "failed" && (t.assertionResults || []).length === 0).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed, ${skipped} skipped`);
'
exit $status
