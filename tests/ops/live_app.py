#!/usr/bin/python3
"""End-to-end checks of operations on the real `pipeline` binary.

Each scenario starts a `fastkafka-broker` (with --control for fault
injection) and the `pipeline` example on loopback, drives them with
kafka-python, and reads what operations expose: /metrics, the health
endpoints, systemd notifications, the committed offsets of the group the
settings resolved to. Every process it starts is killed by its pid at the
end; every wait is bounded. Exit 0 passed, 1 failed, 77 skipped (with the
reason printed).

  live_app.py --pipeline EXE --broker EXE SCENARIO
  SCENARIO: prometheus | page | health | stall | systemd | config
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77
INPUT, OUTPUT, DLQ = "input", "output", "input.dlq"
GROUP = "fastkafka.pipeline.on_input"

failures = []
children = []


def log(*what):
    print(time.strftime("%H:%M:%S"), *what, flush=True)


def check(ok, what):
    log(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)
    return ok


def skip(why):
    print("SKIPPED:", why, flush=True)
    sys.exit(SKIP)


def kill_children():
    for proc in children:
        if proc.poll() is None:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)


def eventually(fn, timeout, interval=0.2):
    """fn() until it returns a true value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    """(status, body); status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError, socket.timeout):
        return 0, ""


# -- processes -----------------------------------------------------------------

class Broker:
    """fastkafka-broker with the pipeline's topics and a control channel."""

    def __init__(self, exe, partitions=4, brokers=1):
        self.proc = subprocess.Popen(
            [exe, "--control", "--brokers", str(brokers), "--partitions",
             str(partitions), "--topic", INPUT, "--topic", OUTPUT, "--topic",
             DLQ],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)
        children.append(self.proc)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not re.fullmatch(r"127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*",
                            self.bootstrap):
            raise RuntimeError(f"fastkafka-broker printed {self.bootstrap!r}")

    def command(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"broker command {line!r}: {answer}")
        log("broker:", line)


class App:
    """`pipeline run` with metrics on a free port; stderr goes to a file."""

    def __init__(self, exe, args, env=None, workdir=None, metrics=True):
        self.err_path = tempfile.mktemp(prefix="pipeline-", suffix=".log",
                                        dir=workdir)
        self.err = open(self.err_path, "w")
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith("FASTKAFKA_") and k != "NOTIFY_SOCKET"}
        full_env.update(env or {})
        argv = [exe, "run"] + args
        if metrics:
            argv += ["--metrics-port", "0", "--metrics-bind", "127.0.0.1"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                     stderr=self.err, env=full_env)
        children.append(self.proc)
        self.port = None
        if metrics:
            found = eventually(self._metrics_port, 20, 0.05)
            if not found:
                raise RuntimeError("pipeline did not announce its metrics "
                                   "port:\n" + self.stderr())
            self.port = found

    def _metrics_port(self):
        m = re.search(r"metrics and health on http://127\.0\.0\.1:(\d+)/",
                      self.stderr())
        return int(m.group(1)) if m else None

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path):
        return http_get(self.url(path))

    def ready(self):
        return self.get("/health/ready")[0] == 200

    def terminate(self, timeout=40):
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


def kafka():
    try:
        import kafka as k  # Debian's python3-kafka
        return k
    except ImportError:
        skip("kafka-python is not installed (Debian package python3-kafka)")


def produce(bootstrap, first, last):
    """Sends InputData ids first..last to `input` and waits for the acks."""
    k = kafka()
    producer = k.KafkaProducer(bootstrap_servers=bootstrap.split(","))
    for i in range(first, last + 1):
        value = json.dumps({"id": i, "value": i + 0.5, "name": f"py-{i}"})
        producer.send(INPUT, key=str(i).encode(), value=value.encode())
    producer.flush(timeout=30)
    producer.close()


def committed(bootstrap, group, topic=INPUT):
    """(committed offsets, end offsets) per partition, read from the broker."""
    k = kafka()
    c = k.KafkaConsumer(bootstrap_servers=bootstrap.split(","),
                        group_id=group, enable_auto_commit=False)
    parts = [k.TopicPartition(topic, p)
             for p in sorted(c.partitions_for_topic(topic) or [])]
    ends = c.end_offsets(parts)
    done = {tp.partition: c.committed(tp) for tp in parts}
    c.close()
    return done, {tp.partition: v for tp, v in ends.items()}


def metric_value(page, name, **labels):
    """Sum of the samples of `name` whose labels include `labels`."""
    total, found = 0.0, False
    for line in page.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, value = line.rsplit(" ", 1)
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
            found = True
    return total if found else None


def sample_names(page):
    return {re.split(r"[{ ]", line, maxsplit=1)[0]
            for line in page.splitlines() if line and not line.startswith("#")}


def handled(app, group=None):
    labels = {"registration": "on_input"}
    if group:
        labels["consumer_group"] = group
    status, page = app.get("/metrics")
    if status != 200:
        return None
    return metric_value(page, "fastkafka_consumer_handled_messages_total",
                        **labels)


# -- scenarios -----------------------------------------------------------------

def scenario_prometheus(args, tmp):
    """A real Prometheus scrapes the app; its API shows handled == sent, lag 0."""
    prometheus = "/usr/bin/prometheus"
    if not os.access(prometheus, os.X_OK):
        skip("prometheus is not installed (Debian package prometheus)")
    kafka()
    broker = Broker(args.broker)
    app = App(args.pipeline, ["--bootstrap-servers", broker.bootstrap], workdir=tmp)
    check(eventually(app.ready, 30), "the app becomes ready")
    port = free_port()
    config = os.path.join(tmp, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: fastkafka
    static_configs:
      - targets: ["127.0.0.1:{app.port}"]
""")
    prom = subprocess.Popen(
        [prometheus, f"--config.file={config}",
         f"--storage.tsdb.path={os.path.join(tmp, 'tsdb')}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
    children.append(prom)
    base = f"http://127.0.0.1:{port}"

    def query(expr):
        status, body = http_get(base + "/api/v1/query?" +
                                urllib.parse.urlencode({"query": expr}))
        if status != 200:
            return None
        result = json.loads(body)["data"]["result"]
        return float(result[0]["value"][1]) if result else None

    if not check(eventually(lambda: http_get(base + "/-/ready")[0] == 200, 30),
                 f"prometheus is ready on 127.0.0.1:{port}"):
        return
    # The first scrape: the app is up and has handled nothing yet.
    check(eventually(lambda: query('up{job="fastkafka"}') == 1, 30),
          "prometheus scraped the app (up == 1)")
    handled_q = ('sum(fastkafka_consumer_handled_messages_total'
                 '{job="fastkafka",registration="on_input"})')
    lag_q = ('sum(fastkafka_consumer_lag_messages'
             '{job="fastkafka",registration="on_input"})')
    acked_q = ('sum(fastkafka_producer_acknowledged_messages_total'
               '{job="fastkafka",registration="to_output"})')
    check(eventually(lambda: query(handled_q) == 0, 15),
          "before sending, prometheus has handled == 0")
    sent = 500
    produce(broker.bootstrap, 1, sent)
    log(f"sent {sent} messages to {INPUT}")
    got = eventually(lambda: query(handled_q) == sent and query(handled_q), 60)
    check(got == sent, f"prometheus: handled == {sent} (last {query(handled_q)})")
    check(eventually(lambda: query(lag_q) == 0, 30),
          f"prometheus: lag == 0 after the drain (last {query(lag_q)})")
    check(eventually(lambda: query(acked_q) == sent, 30),
          f"prometheus: to_output acknowledged == {sent} (last {query(acked_q)})")
    # The broker agrees: the group committed every input.
    done, ends = eventually(
        lambda: (lambda d, e: (d, e) if d == e else None)(
            *committed(broker.bootstrap, GROUP)), 30) or committed(
                broker.bootstrap, GROUP)
    check(done == ends and sum(ends.values()) == sent,
          f"the broker: {GROUP} committed {done}, end offsets {ends}")
    per_partition = query('count(fastkafka_partition_lag_messages'
                          '{job="fastkafka",topic="input"})')
    check(per_partition == 4, f"prometheus: lag series of 4 partitions "
                              f"(got {per_partition})")
    # Prometheus holds keep-alive connections to the app: they must not
    # hold up the stop.
    started = time.monotonic()
    code = app.terminate()
    took = time.monotonic() - started
    check(code == 0, f"the app stops with exit code 0 on SIGTERM (got {code})")
    check(took < 10, f"the stop took {took:.1f} s while being scraped")


def scenario_page(args, tmp):
    """promtool accepts the live page; every dashboard metric is on it."""
    if not shutil_which("promtool"):
        skip("promtool is not installed (Debian package prometheus)")
    broker = Broker(args.broker)
    # librdkafka's statistics feed the rdkafka families the dashboard shows.
    app = App(args.pipeline, ["--bootstrap-servers", broker.bootstrap,
                              "--set", "librdkafka.statistics.interval.ms=500"],
              workdir=tmp)
    check(eventually(app.ready, 30), "the app becomes ready")
    produce(broker.bootstrap, 1, 50)
    check(eventually(lambda: handled(app) == 50, 30), "the app handled 50")
    # Committed offsets are on the page once the broker confirmed a commit.
    check(eventually(lambda: "fastkafka_partition_committed_offset{" in
                     app.get("/metrics")[1], 20),
          "committed offsets appear once the first commit is confirmed")
    # Statistics arrive every 500 ms; wait for the rdkafka families.
    eventually(lambda: "fastkafka_rdkafka_" in app.get("/metrics")[1], 10)
    status, page = app.get("/metrics")
    check(status == 200, "/metrics answers 200")
    with open(os.path.join(tmp, "live.prom"), "w") as f:
        f.write(page)
    lint = subprocess.run(["promtool", "check", "metrics"], input=page,
                          capture_output=True, text=True, timeout=30)
    out = (lint.stdout + lint.stderr).strip()
    check(lint.returncode == 0 and not out,
          f"promtool check metrics accepts the live page "
          f"({page.count('# TYPE ')} families): {out or 'no complaint'}")
    names = sample_names(page)
    queried = set()
    grafana = os.path.join(args.repo, "deploy", "grafana")
    for fname in sorted(os.listdir(grafana)):
        if not fname.endswith(".json"):
            continue
        with open(os.path.join(grafana, fname)) as f:
            text = f.read()
        json.loads(text)
        queried |= set(re.findall(r"\b(fastkafka_[a-z0-9_]+)", text))
    check(len(queried) > 0, f"the dashboards query {len(queried)} metrics")
    missing = sorted(queried - names)
    check(not missing, f"every dashboard metric is on the live page "
                       f"(missing: {missing})")
    check(app.terminate() == 0, "the app stops with exit code 0 on SIGTERM")


def shutil_which(name):
    import shutil
    return shutil.which(name)


def reasons(body):
    try:
        return [r["reason"] for r in json.loads(body).get("reasons", [])]
    except (ValueError, AttributeError):
        return []


def scenario_health(args, tmp):
    """/health/live and /health/ready through start, idle, outage, stop."""
    kafka()
    broker = Broker(args.broker)
    app = App(args.pipeline, ["--bootstrap-servers", broker.bootstrap,
                              "--stop-timeout-ms", "8000"], workdir=tmp)
    # During start: not ready, saying why.
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, body = app.get("/health/ready")
        seen.append((status, body))
        if status == 200:
            break
        time.sleep(0.02)
    early = [b for s, b in seen if s == 503]
    check(early and any(set(reasons(b)) & {"starting", "not_joined"}
                        for b in early),
          f"not ready during start, saying why: {early[:1]}")
    check(seen[-1][0] == 200, f"then ready: {seen[-1][1]}")
    ready = json.loads(seen[-1][1])
    check(ready.get("status") == "ready" and ready.get("consumers") == 1,
          f"the ready body names its consumers: {seen[-1][1]}")
    status, body = app.get("/health/live")
    check(status == 200 and json.loads(body).get("status") == "live",
          f"/health/live 200: {body}")

    # Idle with no lag after handling: ready.
    produce(broker.bootstrap, 1, 20)
    check(eventually(lambda: handled(app) == 20, 30), "handled 20")
    time.sleep(1.5)
    status, body = app.get("/health/ready")
    check(status == 200, f"idle with no lag is ready: {status} {body}")

    # The broker goes away: not ready (still live), then ready again.
    broker.command("down 1")
    got = eventually(lambda: (lambda s, b: b if s == 503 and
                              "broker_unreachable" in reasons(b) else None)(
        *app.get("/health/ready")), 60)
    check(bool(got), f"not ready while the broker is down: {got}")
    status, body = app.get("/health/live")
    check(status == 200, f"still live while the broker is down: {body}")
    broker.command("up 1")
    check(eventually(app.ready, 60), "ready again after the broker is back")
    # From here the broker refuses every commit (COORDINATOR_LOAD_IN_PROGRESS),
    # so that the stop below meets processed offsets it cannot commit
    # whatever the timing.
    broker.command("errors 8 14 1000000")
    produce(broker.bootstrap, 21, 30)
    check(eventually(lambda: handled(app) == 30, 30),
          "handles what arrived after the outage")

    # Stopping: SIGTERM while the broker is down keeps the drain going for
    # up to the stop bound; readiness says so meanwhile.
    broker.command("down 1")
    eventually(lambda: "broker_unreachable" in reasons(app.get("/health/ready")[1]), 60)
    os.kill(app.proc.pid, signal.SIGTERM)
    term_at = time.monotonic()
    stopping = eventually(lambda: (lambda s, b: b if s == 503 and
                                   "stopping" in reasons(b) else None)(
        *app.get("/health/ready")), 8, 0.02)
    check(bool(stopping), f"not ready while stopping: {stopping}")
    try:
        code = app.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        code = None
    took = time.monotonic() - term_at
    # The bound is 8 s; teardown may add at most 1 s, plus slack for a
    # loaded machine.
    check(code == 1 and took < 8 + 2.5,
          f"with commits unconfirmed, exit code 1 within the stop bound: "
          f"code {code} after {took:.1f} s (bound 8 s)")
    # Depending on where the outage caught them, the messages in flight
    # were handled but their commit not confirmed, or their output not yet
    # acknowledged; either way the log names the offsets.
    check("not confirmed by the broker" in app.stderr()
          or re.search(r"not committed from \[\d+\]=\d+", app.stderr()),
          "the log says which offsets were not confirmed")
    broker.command("up 1")


def scenario_systemd(args, tmp):
    """NOTIFY_SOCKET receives READY=1, WATCHDOG=1..., STOPPING=1 in order."""
    kafka()
    broker = Broker(args.broker)
    path = os.path.join(tmp, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    app = App(args.pipeline, ["--bootstrap-servers", broker.bootstrap],
              env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"},
              workdir=tmp)
    events = []  # (monotonic time, line, ready status at that time)

    def receive(until):
        while time.monotonic() < until:
            try:
                data = sock.recv(4096).decode()
            except socket.timeout:
                if until_exit and app.proc.poll() is not None:
                    return
                continue
            for line in data.splitlines():
                events.append((time.monotonic(), line))

    until_exit = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
            l == "READY=1" for _, l in events):
        receive(time.monotonic() + 0.5)
    ready_at = next((t for t, l in events if l == "READY=1"), None)
    check(ready_at is not None, "READY=1 arrives")
    status, body = app.get("/health/ready")
    check(status == 200, f"the app is ready when READY=1 came: {body}")
    receive(time.monotonic() + 3.5)
    pings = [t for t, l in events if l == "WATCHDOG=1" and ready_at and t > ready_at]
    check(len(pings) >= 2, f"WATCHDOG=1 every WATCHDOG_USEC/2 after READY "
                           f"({len(pings)} in 3.5 s)")
    os.kill(app.proc.pid, signal.SIGTERM)
    until_exit = True
    receive(time.monotonic() + 30)
    code = app.proc.wait(timeout=10)
    lines = [l for _, l in events]
    log("notifications:", lines)
    check(code == 0, f"exit code 0 after SIGTERM (got {code})")
    check("STOPPING=1" in lines, "STOPPING=1 arrives on SIGTERM")
    if "STOPPING=1" in lines and "READY=1" in lines:
        first_ready = lines.index("READY=1")
        stop = lines.index("STOPPING=1")
        check(first_ready < stop and any(l == "WATCHDOG=1"
                                          for l in lines[first_ready:stop]),
              "order: READY=1, WATCHDOG=1, STOPPING=1")
        check("READY=1" not in lines[stop:], "no READY=1 after STOPPING=1")
        check(lines.count("READY=1") == 1, "READY=1 is sent once")
    check(all(re.fullmatch(r"(READY|WATCHDOG|STOPPING)=1|STATUS=.+", l)
              for l in lines), "nothing but READY, WATCHDOG, STOPPING, STATUS")
    sock.close()


def scenario_config(args, tmp):
    """Precedence code < file < environment < --set, seen in the group that
    commits; unknown keys name file, line and key; secrets from files."""
    kafka()
    broker = Broker(args.broker)
    bs = broker.bootstrap

    def config_file(name, text):
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    file_b = config_file("b.yaml", "options:\n  group_id: b-file\n")
    file_c = config_file("c.yaml", "options:\n  group_id: c-file\n")
    file_d = config_file("d.yaml", "options:\n  group_id: d-file\n")
    apps = {
        # group the layers resolve to: the app
        GROUP: App(args.pipeline, ["--bootstrap-servers", bs], workdir=tmp),
        "b-file.on_input": App(args.pipeline, ["--bootstrap-servers", bs,
                                               "--config", file_b], workdir=tmp),
        "c-env.on_input": App(args.pipeline, ["--bootstrap-servers", bs,
                                              "--config", file_c],
                              env={"FASTKAFKA_GROUP_ID": "c-env"}, workdir=tmp),
        "d-set.on_input": App(args.pipeline, ["--bootstrap-servers", bs,
                                              "--config", file_d,
                                              "--set", "group_id=d-set"],
                              env={"FASTKAFKA_GROUP_ID": "d-env"}, workdir=tmp),
    }
    for group, app in apps.items():
        check(eventually(app.ready, 40), f"the app of {group} becomes ready")
    produce(bs, 1, 10)
    for group, app in apps.items():
        check(eventually(lambda: handled(app, group) == 10, 30),
              f"/metrics: {group} handled 10 under consumer_group={group}")
    for group, app in apps.items():
        check(app.terminate() == 0, f"the app of {group} stops with code 0")
    for group in apps:
        done, ends = committed(bs, group)
        check(done == ends and sum(ends.values()) == 10,
              f"the broker: {group} committed {done} (ends {ends})")
    for loser in ["c-file.on_input", "d-file.on_input", "d-env.on_input"]:
        done, _ = committed(bs, loser)
        check(all(v is None for v in done.values()),
              f"the broker: nothing committed under {loser} ({done})")

    # An unknown key: an error naming the file, the line and the key.
    bad = config_file("bad.yaml", "stop_timeout_ms: 1000\noptions:\n"
                                  "  linger_ms: 5\n  lingerr_ms: 7\n")
    run = subprocess.run([args.pipeline, "run", "--bootstrap-servers", bs,
                          "--config", bad], capture_output=True, text=True,
                         timeout=30)
    check(run.returncode == 2, f"an unknown key exits 2 (got {run.returncode})")
    check(re.search(r"bad\.yaml:4\b.*lingerr_ms", run.stderr) is not None,
          f"the error names file, line and key: {run.stderr.strip()}")
    env_bad = subprocess.run(
        [args.pipeline, "run", "--bootstrap-servers", bs, "--set",
         "group_idd=x"], capture_output=True, text=True, timeout=30)
    check(env_bad.returncode == 2 and "group_idd" in env_bad.stderr,
          f"an unknown --set key exits 2 naming it: {env_bad.stderr.strip()}")

    # A secret from a file: read (a missing file is an error naming it), and
    # its content appears nowhere, even with debug logs.
    secret = "s3cr3t-Value-9f2c"
    secret_path = config_file("password", secret + "\n")
    # librdkafka's configuration dump (debug=conf) goes to the log too.
    sfile = config_file("secret.yaml", "log: {level: debug}\noptions:\n"
                                       f"  sasl_plain_password_file: {secret_path}\n"
                                       "  librdkafka: {debug: conf}\n")
    app = App(args.pipeline, ["--bootstrap-servers", bs, "--config", sfile],
              workdir=tmp)
    check(eventually(app.ready, 40), "the app with a secret file becomes ready")
    page = app.get("/metrics")[1] + app.get("/health/ready")[1]
    code = app.terminate()
    check(code == 0, f"it stops with code 0 (got {code})")
    text = app.stderr()
    check(secret not in text and secret not in page,
          "the secret appears neither in the log nor on /metrics")
    check("sasl_plain_password=*****" in text,
          "the option was read from the file: the client's option line "
          "shows it, masked")
    missing = config_file("missing.yaml", "options:\n"
                          f"  sasl_plain_password_file: {tmp}/nope\n")
    run = subprocess.run([args.pipeline, "run", "--bootstrap-servers", bs,
                          "--config", missing], capture_output=True,
                         text=True, timeout=30)
    check(run.returncode == 2 and f"{tmp}/nope" in run.stderr,
          f"a missing secret file is an error naming it: {run.stderr.strip()}")
    envrun = subprocess.run(
        [args.pipeline, "run", "--bootstrap-servers", bs],
        capture_output=True, text=True, timeout=30,
        env={**os.environ, "FASTKAFKA_SASL_PLAIN_PASSWORD_FILE": f"{tmp}/nope2"})
    check(envrun.returncode == 2 and f"{tmp}/nope2" in envrun.stderr,
          "FASTKAFKA_SASL_PLAIN_PASSWORD_FILE is read too: "
          f"{envrun.stderr.strip()}")


class NotifySocket:
    """A datagram socket standing in for systemd's; records (time, line)."""

    def __init__(self, path):
        import threading
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.events = []
        self.quit = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.quit:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            now = time.monotonic()
            for line in data.splitlines():
                self.events.append((now, line))

    def close(self):
        self.quit = True
        self.thread.join(timeout=5)
        self.sock.close()


def scenario_stall(args, tmp):
    """A handler held by back-pressure while input keeps coming: not ready
    (stalled), no WATCHDOG=1 meanwhile; ready and pinging again after."""
    k = kafka()
    # Two brokers: input and the group on broker 1, output on broker 2, so
    # that slowing broker 2 holds the handler (its producer's local queue
    # holds one message) while input keeps arriving on broker 1.
    broker = Broker(args.broker, brokers=2)
    for p in range(4):
        broker.command(f"leader {INPUT} {p} 1")
        broker.command(f"leader {DLQ} {p} 1")
        broker.command(f"leader {OUTPUT} {p} 2")
    broker.command(f"coordinator group {GROUP} 1")
    notify = NotifySocket(os.path.join(tmp, "notify.sock"))
    app = App(args.pipeline,
              ["--bootstrap-servers", broker.bootstrap,
               "--set", "to_output.librdkafka.queue.buffering.max.messages=1"],
              env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000",
                   "FASTKAFKA_HEALTH_STALL_TIMEOUT_MS": "3000"},
              workdir=tmp)
    check(eventually(app.ready, 40), "the app becomes ready")
    producer = k.KafkaProducer(bootstrap_servers=broker.bootstrap.split(","))

    def send(first, last):
        for i in range(first, last + 1):
            value = json.dumps({"id": i, "value": i + 0.5, "name": f"py-{i}"})
            producer.send(INPUT, key=str(i).encode(), value=value.encode())
        producer.flush(timeout=30)

    send(1, 10)
    check(eventually(lambda: handled(app) == 10, 30), "handled 10 before")
    check(eventually(app.ready, 10), "ready before the stall")
    broker.command("rtt 2 25000")
    sent, stalled_at, stalled_body, last_stalled = 10, None, None, None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sent += 1
        send(sent, sent)
        status, body = app.get("/health/ready")
        if status == 503 and "stalled" in reasons(body):
            last_stalled = time.monotonic()
            if stalled_at is None:
                stalled_at, stalled_body = last_stalled, body
            elif last_stalled - stalled_at > 6:
                break
        time.sleep(0.3)
    check(stalled_at is not None,
          f"not ready while the handler is held and lag grows: {stalled_body}")
    if stalled_body:
        r = json.loads(stalled_body)["reasons"]
        stall = next(x for x in r if x["reason"] == "stalled")
        check(stall.get("consumer") == "on_input" and "lag" in stall["detail"],
              f"the body names the consumer and its lag: {stall}")
        status, body = app.get("/health/live")
        check(status == 200, f"still live while stalled: {body}")
        pings = [t for t, l in notify.events
                 if l == "WATCHDOG=1" and stalled_at + 1.0 < t < last_stalled]
        check(not pings, f"no WATCHDOG=1 while stalled "
                         f"({len(pings)} in {last_stalled - stalled_at:.1f} s)")
        before = [t for t, l in notify.events
                  if l == "WATCHDOG=1" and t < stalled_at - 3.5]
        check(len(before) >= 2, f"WATCHDOG=1 came before the stall "
                                f"({len(before)})")
    broker.command("rtt 2 0")
    check(eventually(app.ready, 90), "ready again once the output broker answers")
    check(eventually(lambda: handled(app) == sent, 60),
          f"handles all {sent} in the end (got {handled(app)})")
    resumed = time.monotonic()
    time.sleep(2.5)
    check(any(l == "WATCHDOG=1" and t > resumed for t, l in notify.events),
          "WATCHDOG=1 again after the stall")
    producer.close()
    code = app.terminate()
    check(code == 0, f"the app stops with code 0 (got {code})")
    notify.close()


SCENARIOS = {
    "stall": scenario_stall,
    "prometheus": scenario_prometheus,
    "page": scenario_page,
    "health": scenario_health,
    "systemd": scenario_systemd,
    "config": scenario_config,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipeline", required=True)
    parser.add_argument("--broker", required=True)
    parser.add_argument("--repo", default=os.path.join(
        os.path.dirname(__file__), "..", ".."))
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix=f"ops-{args.scenario}-") as tmp:
        try:
            SCENARIOS[args.scenario](args, tmp)
        except Exception as e:  # a failed step fails the test, with why
            failures.append(f"{type(e).__name__}: {e}")
            log("FAILED:", type(e).__name__, e)
        finally:
            kill_children()
            if failures or os.environ.get("OPS_LIVE_VERBOSE"):
                for path in sorted(os.listdir(tmp)):
                    if path.startswith("pipeline-"):
                        with open(os.path.join(tmp, path)) as f:
                            tail = f.read().splitlines()[-15:]
                        print(f"--- last lines of {path}:")
                        print("\n".join(tail))
    if failures:
        print(f"{len(failures)} check(s) failed:")
        for f in failures:
            print("  -", f)
        return 1
    print(f"{args.scenario}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
