#!/usr/bin/env python3
"""Renders the docs of an example app, serves them with `docs serve`, and
loads the page in headless Chromium with every host but 127.0.0.1
unresolvable (so the page must work offline). Checks that every channel,
message, operation and header of the app is on the rendered page, that
operation anchors say what the operation does (receive for a consumer, send
for a producer and for dead letters) in 2.6.0 and 3.0.0, that inline code in
descriptions is drawn as code (no literal backticks), and keeps a screenshot.

Usage: browser_test.py --app EXE --tooling DIR --chromium EXE --work DIR
"""
import argparse
import json
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
CHANNELS = ["shop.orders", "partner.orders", "shop.audit", "shop.confirmations",
            "shop.orders.dlq", "partner.orders.rejected", "shop.audit.dlq"]
MESSAGES = ["Order", "Order_avro", "OrderConfirmation", "on_audit_payload",
            "DeadLetter"]
OPERATIONS = ["on_orders", "audit_orders", "on_partner_orders", "on_audit",
              "to_confirmations", "on_orders_dead_letters"]
# Keys and headers the registrations declare, and the dead letters' headers.
DECLARED = ["traceparent", "W3C trace context of the shop front's request",
            "The customer: one customer's orders stay in order",
            "The order id, in decimal", "fastkafka.dlq.reason",
            "fastkafka.dlq.attempts"]
# The anchor of each operation: `operation-<receive|send>-<operation id>`.
# 2.6.0 merges the registrations of one kind on one topic (`a__b`).
ANCHORS = {
    "2.6.0": {
        "receive": ["on_orders__audit_orders", "on_partner_orders", "on_audit"],
        "send": ["to_confirmations",
                 "on_orders_dead_letters__audit_orders_dead_letters",
                 "on_partner_orders_dead_letters", "on_audit_dead_letters"],
    },
    "3.0.0": {
        "receive": ["on_orders", "audit_orders", "on_partner_orders",
                    "on_audit"],
        "send": ["to_confirmations", "on_orders_dead_letters",
                 "audit_orders_dead_letters", "on_partner_orders_dead_letters",
                 "on_audit_dead_letters"],
    },
}
HERE = pathlib.Path(__file__).resolve().parent


def check_page(args, url, version, problems):
    """Loads `url` with page_check.mjs and checks anchors and inline code."""
    rc, out, err = run(["node", HERE / "page_check.mjs", args.tooling,
                        args.chromium, url], timeout=150)
    if rc != 0:
        problems.append(f"{version}: page_check.mjs exit code {rc}: {err[-2000:]}")
        return None
    page = json.loads(out)
    anchors = set(page["anchors"])
    for action, ids in ANCHORS[version].items():
        other = "send" if action == "receive" else "receive"
        for op in ids:
            if f"operation-{action}-{op}" not in anchors:
                problems.append(f"{version}: no anchor operation-{action}-{op}")
            if f"operation-{other}-{op}" in anchors:
                problems.append(f"{version}: {op} is anchored as {other}")
    # Descriptions are Markdown: `x` must become <code>, drawn without the
    # backticks that the template's typography style puts around it.
    if not any(c["text"] == "json" for c in page["code"]):
        problems.append(f"{version}: `json` in a description is not <code>")
    for c in page["code"]:
        if c["before"] not in ("none", "normal") or c["after"] not in ("none", "normal"):
            problems.append(f"{version}: <code>{c['text']}</code> is drawn with "
                            f"{c['before']} before and {c['after']} after it")
            break
        if "monospace" not in c["font"]:
            problems.append(f"{version}: <code>{c['text']}</code> is not in a "
                            f"monospace font: {c['font']}")
            break
    for text in page["prose"]:
        if "`" in text:
            problems.append(f"{version}: a literal backtick in {text[:120]!r}")
            break
    # The page embeds the spec in a script: only rendered text counts.
    for name in CHANNELS + MESSAGES + OPERATIONS + DECLARED:
        if name not in page["text"]:
            problems.append(f"{version}: not rendered on the page: {name}")
    if page["failed_requests"]:
        problems.append(f"{version}: failed requests {page['failed_requests'][:5]}")
    return page


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

        check_page(args, url, "2.6.0", problems)

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

    # 3.0.0 names operations by their action; its page is loaded from the
    # file, with the network cut off the same way.
    root3 = work / "root-3.0.0"
    rc, out, err = run([args.app, "docs", "generate", "--asyncapi", "3.0.0",
                        "--root-path", root3, "--tooling-dir", args.tooling],
                       timeout=240)
    page3 = root3 / "asyncapi" / "docs" / "index.html"
    if rc != 0 or not page3.exists():
        problems.append(f"3.0.0: docs generate exit code {rc}: {err[-2000:]}")
    else:
        check_page(args, page3.as_uri(), "3.0.0", problems)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
