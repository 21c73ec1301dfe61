#!/bin/sh
# Lints the sample /metrics page with Prometheus' own promtool: parse errors
# and naming problems (counters without _total, non-base units, ...) fail.
# Usage: promtool_check.sh SAMPLE_PAGE_EXE
set -u
if ! command -v promtool >/dev/null 2>&1; then
  echo "SKIPPED: promtool not found (Debian package prometheus; deploy/install-deps.sh installs it)"
  exit 77
fi
# promtool must be able to fail here: a counter named against the rules.
bad='# HELP bad_requests Requests.
# TYPE bad_requests counter
bad_requests 1
'
if printf '%s' "$bad" | promtool check metrics >/dev/null 2>&1; then
  echo "promtool accepted a counter without _total: the check cannot fail"
  exit 1
fi
page=$("$1") || { echo "the sample page tool failed"; exit 1; }
out=$(printf '%s\n' "$page" | promtool check metrics 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
  echo "promtool check metrics (exit $rc):"
  echo "$out"
  exit 1
fi
families=$(printf '%s\n' "$page" | grep -c '^# TYPE ')
echo "promtool accepted the page: $families families, $(printf '%s\n' "$page" | grep -vc '^#') samples"
