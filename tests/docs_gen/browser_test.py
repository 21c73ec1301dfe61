#!/usr/bin/env python3
"""Renders the docs of an example app, serves them with `docs serve`, and
loads the page in headless Chromium with every host but 127.0.0.1
unresolvable (so the page must work offline). Checks that every channel and
message of the app is on the rendered page and keeps a screenshot.

Usage: browser_test.py --app EXE --tooling DIR --chromium EXE --work DIR
"""
import argparse
import os
import pathlib
import re
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# What the docs_demo app declares (examples/docs_demo/docs_demo_app.hpp).
CHANNELS = ["shop.orders", "shop.audit", "shop.confirmations"]
MESSAGES = ["Order", "OrderConfirmation", "on_audit_payload"]
OPERATIONS = ["on_orders", "on_audit", "to_confirmations"]


def kill_group(proc):
    """Ends a child we started (and its children) by its process group id."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def run(cmd, timeout):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise SystemExit(f"timed out after {timeout}s: {cmd[0]}")
    return proc.returncode, out, err


def chromium(exe, profile, extra, url, timeout):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}",
             # Nothing but the local server resolves: the page must not need
             # a CDN or any other host.
             "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
             "--virtual-time-budget=15000"]
    return run([exe, *flags, *extra, url], timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--tooling", required=True)
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    if not args.chromium or not shutil.which(args.chromium):
        print("chromium not found (Debian package `chromium`)")
        return 1
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    root = work / "root"
    problems = []

    rc, out, err = run([args.app, "docs", "generate", "--root-path", root,
                        "--tooling-dir", args.tooling], timeout=240)
    print(out, err, sep="", end="")
    page = root / "asyncapi" / "docs" / "index.html"
    if rc != 0 or not page.exists():
        print(f"FAIL: docs generate exit code {rc}, no {page}")
        return 1
    html = page.read_text(encoding="utf-8", errors="replace")
    print(f"{page}: {len(html)} characters")
    external = re.findall(
        r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//[^"'\s>]+""",
        html, re.IGNORECASE)
    external += re.findall(r"""@import\s+(?:url\()?["']?(?:https?:)?//[^"')\s]+""", html)
    if external:
        problems.append(f"the page loads from the network: {external[:5]}")

    server = subprocess.Popen(
        [args.app, "docs", "serve", "--root-path", root, "--tooling-dir",
         args.tooling, "--bind", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    print(f"docs serve started, pid {server.pid}", flush=True)
    try:
        # Lines are read on a thread: select() on a buffered pipe misses
        # lines already read into the buffer.
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in server.stdout],
                         daemon=True).start()
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if server.poll() is not None:
                    break
                continue
            print("serve:", line, end="")
            m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if m:
                url = m.group(1)
        if url is None:
            print("FAIL: docs serve printed no URL;", server.stderr.read() if server.poll() is not None else "")
            return 1
        with urllib.request.urlopen(url, timeout=10) as resp:
            body = resp.read()
            if resp.status != 200 or len(body) != page.stat().st_size:
                problems.append(f"GET {url}: {resp.status}, {len(body)} bytes")

        with tempfile.TemporaryDirectory() as profile:
            rc, dom, err = chromium(args.chromium, profile, ["--dump-dom"],
                                    url, timeout=120)
        if rc != 0:
            problems.append(f"chromium --dump-dom exit code {rc}: {err[-2000:]}")
        (work / "dom.html").write_text(dom)
        text = re.sub(r"<[^>]+>", " ", dom)
        for name in CHANNELS + MESSAGES + OPERATIONS:
            if name not in text:
                problems.append(f"not on the rendered page: {name}")
        if "Order Service" not in text:
            problems.append("the app title is not on the rendered page")

        shot = work / "docs_demo-page.png"
        with tempfile.TemporaryDirectory() as profile:
            rc, out, err = chromium(args.chromium, profile,
                                    [f"--screenshot={shot}",
                                     "--window-size=1280,2000"], url,
                                    timeout=120)
        if rc != 0 or not shot.exists():
            problems.append(f"no screenshot (exit code {rc}): {err[-2000:]}")
        else:
            print(f"screenshot: {shot}")
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                rc = server.wait(timeout=10)
                if rc != 0:
                    problems.append(f"docs serve exited with {rc} on SIGTERM")
            except subprocess.TimeoutExpired:
                problems.append("docs serve ignored SIGTERM")
                kill_group(server)
        else:
            problems.append(f"docs serve ended early: {server.returncode}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
