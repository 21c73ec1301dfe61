#!/usr/bin/env python3
"""Validates the 2.6.0 and 3.0.0 specs of example apps with the official
AsyncAPI parser (@asyncapi/parser v3, from the docs tooling).

Fails on any error, and on any warning not listed in EXPLAINED below.
Usage: parser_test.py --tooling DIR --work DIR --app NAME=EXE [--app ...]
"""
import argparse
import pathlib
import shutil
import subprocess
import sys

# Warnings the parser's rules may report, and why they are acceptable.
EXPLAINED = {
    # app_config declares no license, and the docs do not invent one. The
    # 3.0 ruleset does not ask for it.
    "asyncapi-info-license": "the app declares no license",
}
# Informational diagnostics are not warnings; this one only says that 3.1.0
# exists, while 2.6.0 (default) and 3.0.0 are what we write on purpose.
IGNORED_INFO = {"asyncapi-latest-version"}


def run(cmd, timeout):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tooling", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--app", action="append", required=True)
    args = ap.parse_args()
    validate = pathlib.Path(args.tooling) / "validate.mjs"
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    problems = []
    checked = 0
    for entry in args.app:
        name, exe = entry.split("=", 1)
        for version in ("2.6.0", "3.0.0"):
            root = work / f"{name}-{version}"
            r = run([exe, "docs", "generate", "--spec-only", "--asyncapi",
                     version, "--root-path", root], timeout=60)
            if r.returncode != 0:
                problems.append(f"{name} {version}: docs generate failed: {r.stderr}")
                continue
            spec = root / "asyncapi" / "spec" / "asyncapi.yml"
            r = run(["node", validate, spec], timeout=120)
            print(r.stdout, end="")
            print(r.stderr, end="", file=sys.stderr)
            lines = r.stdout.splitlines()
            if not any(l.endswith(": parsed") for l in lines):
                problems.append(f"{name} {version}: the parser rejected the spec")
            for line in lines:
                # <file>: <severity> <code> <path>: <message>
                rest = line[len(str(spec)) + 2:]
                parts = rest.split(" ", 2)
                if len(parts) < 2 or parts[0] in ("parsed", "not"):
                    continue
                severity, code = parts[0], parts[1]
                if severity == "error":
                    problems.append(f"{name} {version}: {rest}")
                elif severity == "warning" and code not in EXPLAINED:
                    problems.append(f"{name} {version}: unexplained {rest}")
                elif severity in ("info", "hint") and code not in IGNORED_INFO:
                    problems.append(f"{name} {version}: unexpected {rest}")
            if r.returncode != 0:
                problems.append(f"{name} {version}: validate.mjs exit code {r.returncode}")
            checked += 1
    for p in problems:
        print("FAIL:", p)
    print(f"{checked} specs checked, {len(problems)} problems")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
