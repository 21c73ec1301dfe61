#!/bin/sh
# Runs `systemd-analyze verify` on a unit file. It checks that ExecStart's
# binary exists, and the app is not installed here: the copy it verifies
# names a stand-in binary, and nothing else changes. Any output (an unknown
# key is only a warning with exit code 0) fails.
# Usage: systemd_verify.sh UNIT_FILE
set -u
unit=$1
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIPPED: systemd-analyze not found (Debian package systemd)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ -n "$exe" ] || { echo "no ExecStart in $unit"; exit 1; }
cp /bin/true "$tmp/app"
name=$(basename "$unit")
sed "s#^ExecStart=$exe#ExecStart=$tmp/app#" "$unit" > "$tmp/$name"

# The check must be able to fail: a misspelt key has to be reported.
sed 's/^WatchdogSec=/WatchdogSc=/' "$tmp/$name" > "$tmp/broken-$name"
if [ -z "$(systemd-analyze verify "$tmp/broken-$name" 2>&1)" ]; then
  echo "SKIPPED: systemd-analyze verify reports nothing even for an unknown key here"
  exit 77
fi

out=$(systemd-analyze verify "$tmp/$name" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
  echo "systemd-analyze verify $unit (exit $rc):"
  echo "$out"
  exit 1
fi
echo "systemd-analyze verify accepts $unit"
