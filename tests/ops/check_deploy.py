#!/usr/bin/env python3
"""Checks the deploy files against the code, without a container engine.

Every manifest must parse, and the values that must agree with the code
agree: the config file loads through the real loader (unknown keys are
errors there), the Kubernetes ConfigMap holds that same file, ports and
probe paths match the metrics server, grace periods exceed the stop bound,
the Dockerfile builds with deploy/test.sh's commands and runs as non-root,
and every metric the Grafana dashboard queries is on a rendered /metrics
page. Exit 77 (skipped) when PyYAML is missing.
"""

import argparse
import configparser
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("SKIPPED: PyYAML is not installed (Debian package python3-yaml)")
    sys.exit(77)

REGISTRATIONS = ["on_input", "to_output"]
CONFIG_PATH = "/etc/fastkafka/pipeline.yaml"
HEALTH_PATHS = {"live": "/health/live", "ready": "/health/ready"}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def load_yaml_docs(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def resolved_config(tool, path):
    """The settings the loader resolves from `path` (it fails on unknown keys)."""
    proc = subprocess.run([tool, path] + REGISTRATIONS, capture_output=True,
                          text=True, timeout=30)
    if not check(proc.returncode == 0,
                 f"the loader rejects {path}: {proc.stderr.strip()}"):
        return None
    return json.loads(proc.stdout)


def flatten_keys(node, prefix=""):
    """Dotted keys of a config file (`metrics.port`, `options.linger_ms`)."""
    out = []
    for key, value in node.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out += flatten_keys(value, dotted)
        else:
            out.append(dotted)
    return out


def key_in_schema(key, schema):
    parts = key.split(".")
    for pattern in schema:
        pp = pattern.split(".")
        if pp[-1] == "*" and len(parts) >= len(pp) and all(
                a == b or a == "*" for a, b in zip(pp[:-1], parts)):
            return True
        if len(pp) == len(parts) and all(a == b or a == "*"
                                         for a, b in zip(pp, parts)):
            return True
    return False


def sample_names(page):
    names = set()
    for line in page.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def duration_seconds(text):
    """systemd's `45s`, `1min 30s`, or compose's `45s`, `1m30s`."""
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(min|ms|h|m|s)?",
                                   str(text)):
        total += float(number) * {"ms": 0.001, "s": 1, "": 1, None: 1,
                                  "m": 60, "min": 60, "h": 3600}[unit]
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--sample-page", required=True)
    ap.add_argument("--config-check", required=True)
    ap.add_argument("--app-binary", help="checks the runtime packages if given")
    args = ap.parse_args()
    deploy = os.path.join(args.repo, "deploy")

    # -- every manifest parses ------------------------------------------------
    yaml_files = []
    for root, _, files in os.walk(deploy):
        yaml_files += [os.path.join(root, f) for f in files
                       if f.endswith((".yaml", ".yml"))]
    docs = {}
    for path in sorted(yaml_files):
        try:
            docs[os.path.relpath(path, deploy)] = load_yaml_docs(path)
        except yaml.YAMLError as e:
            check(False, f"{path} is not valid YAML: {e}")
    dashboards = []
    for f in sorted(os.listdir(os.path.join(deploy, "grafana"))):
        if f.endswith(".json"):
            with open(os.path.join(deploy, "grafana", f)) as fh:
                try:
                    dashboards.append((f, json.load(fh)))
                except json.JSONDecodeError as e:
                    check(False, f"grafana/{f} is not valid JSON: {e}")
    check(dashboards, "no Grafana dashboard in deploy/grafana")

    # -- the config file, through the loader ----------------------------------
    config_file = os.path.join(deploy, "config", "pipeline.yaml")
    settings = resolved_config(args.config_check, config_file)
    if settings is None:
        return report()
    schema = subprocess.run([args.config_check, "--keys"], capture_output=True,
                            text=True, timeout=30, check=True).stdout.split()
    with open(config_file) as f:
        config_text = f.read()
    for key in flatten_keys(yaml.safe_load(config_text)):
        check(key_in_schema(key, schema),
              f"config key {key} is not in the loader's schema")
    metrics = settings["metrics"]
    check(metrics is not None, "the config file sets no metrics port")
    port = metrics["port"]
    check(metrics["bind"] == "0.0.0.0",
          "metrics.bind must be 0.0.0.0 in containers, is " + metrics["bind"])
    stop_bound = settings["stop_timeout_ms"] / 1000.0
    check(set(REGISTRATIONS) >= set(settings["registrations"]),
          "the config names registrations the app does not have")

    # -- Kubernetes -------------------------------------------------------------
    k8s = {}
    for rel, ds in docs.items():
        if rel.startswith("k8s" + os.sep):
            for d in ds:
                k8s.setdefault(d.get("kind"), []).append(d)
    for kind in ("Deployment", "ConfigMap", "PodDisruptionBudget"):
        check(len(k8s.get(kind, [])) == 1, f"deploy/k8s needs one {kind}")
    if all(len(k8s.get(k, [])) == 1
           for k in ("Deployment", "ConfigMap", "PodDisruptionBudget")):
        dep, cm, pdb = (k8s[k][0] for k in
                        ("Deployment", "ConfigMap", "PodDisruptionBudget"))
        spec = dep["spec"]["template"]["spec"]
        meta = dep["spec"]["template"]["metadata"]
        labels = meta["labels"]
        check(spec["terminationGracePeriodSeconds"] > stop_bound,
              f"terminationGracePeriodSeconds "
              f"{spec['terminationGracePeriodSeconds']} is not longer than "
              f"the stop bound {stop_bound} s")
        check(spec.get("enableServiceLinks") is False,
              "enableServiceLinks must be false (FASTKAFKA_* service links)")
        check(spec.get("securityContext", {}).get("runAsNonRoot") is True,
              "the pod must run as non-root")
        ann = meta.get("annotations", {})
        check(ann.get("prometheus.io/scrape") == "true",
              "missing prometheus.io/scrape annotation")
        check(ann.get("prometheus.io/port") == str(port),
              f"prometheus.io/port {ann.get('prometheus.io/port')} != {port}")
        check(ann.get("prometheus.io/path") == "/metrics",
              "prometheus.io/path must be /metrics")
        (c,) = spec["containers"]
        ports = {p.get("name"): p["containerPort"] for p in c["ports"]}
        check(port in ports.values(), f"no containerPort {port}")

        def probe_port(probe):
            p = probe["httpGet"]["port"]
            return ports.get(p) if isinstance(p, str) else p

        for probe, path in (("livenessProbe", HEALTH_PATHS["live"]),
                            ("readinessProbe", HEALTH_PATHS["ready"])):
            check(probe in c, f"the container has no {probe}")
            if probe in c:
                check(c[probe]["httpGet"]["path"] == path,
                      f"{probe} path {c[probe]['httpGet']['path']} != {path}")
                check(probe_port(c[probe]) == port,
                      f"{probe} port is not the metrics port {port}")
        if "startupProbe" in c:
            check(probe_port(c["startupProbe"]) == port,
                  "startupProbe port is not the metrics port")
        res = c.get("resources", {})
        check("requests" in res and "limits" in res,
              "the container needs resource requests and limits")
        check(c["args"][c["args"].index("--config") + 1] == CONFIG_PATH,
              f"the container is not started with --config {CONFIG_PATH}")
        mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
        vols = {v["name"]: v for v in spec["volumes"]}
        cm_vol = [n for n, v in vols.items()
                  if v.get("configMap", {}).get("name") == cm["metadata"]["name"]]
        check(len(cm_vol) == 1 and mounts.get(cm_vol[0]) ==
              os.path.dirname(CONFIG_PATH),
              f"the ConfigMap is not mounted at {os.path.dirname(CONFIG_PATH)}")
        name = os.path.basename(CONFIG_PATH)
        check(cm["data"].get(name) == config_text,
              f"the ConfigMap's {name} differs from deploy/config/pipeline.yaml")
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as tmp:
            tmp.write(cm["data"].get(name, ""))
            tmp.flush()
            check(resolved_config(args.config_check, tmp.name) == settings,
                  "the ConfigMap's file resolves differently")
        sel = pdb["spec"]["selector"]["matchLabels"]
        check(all(labels.get(k) == v for k, v in sel.items()),
              "the PodDisruptionBudget does not select the Deployment's pods")
        check(dep["spec"]["selector"]["matchLabels"].items() <= labels.items(),
              "the Deployment's selector does not match its pods")

    # -- systemd ----------------------------------------------------------------
    unit_path = os.path.join(deploy, "systemd", "fastkafka-pipeline.service")
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(unit_path)
    svc = unit["Service"]
    check(svc.get("Type") == "notify", "the unit must be Type=notify")
    check(duration_seconds(svc.get("WatchdogSec", "0")) > 0,
          "the unit needs WatchdogSec")
    check(duration_seconds(svc.get("TimeoutStopSec", "0")) > stop_bound,
          f"TimeoutStopSec is not longer than the stop bound {stop_bound} s")
    exec_start = shlex.split(svc.get("ExecStart", ""))
    check("--config" in exec_start and
          exec_start[exec_start.index("--config") + 1] == CONFIG_PATH,
          f"ExecStart does not pass --config {CONFIG_PATH}")

    # -- Dockerfile -------------------------------------------------------------
    with open(os.path.join(deploy, "Dockerfile")) as f:
        dockerfile = f.read()
    with open(os.path.join(deploy, "test.sh")) as f:
        ci = f.read()
    froms = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    check(len(froms) >= 2 and all(f == "debian:12" for f in froms),
          f"the Dockerfile must be multi-stage on debian:12, has {froms}")
    check(re.search(r"^RUN \./deploy/install-deps\.sh", dockerfile, re.M),
          "the Dockerfile does not run deploy/install-deps.sh")
    for cmake in re.findall(r"^(cmake .*)$", ci, re.M):
        check(re.search(r"^RUN " + re.escape(cmake) + "$", dockerfile, re.M),
              f"the Dockerfile does not run deploy/test.sh's `{cmake}`")
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    check(users and users[-1].split(":")[0] not in ("root", "0"),
          "the image must run as a non-root user")
    uid = users[-1].split(":")[0] if users else ""
    if k8s.get("Deployment"):
        run_as = k8s["Deployment"][0]["spec"]["template"]["spec"][
            "securityContext"].get("runAsUser")
        check(str(run_as) == uid,
              f"runAsUser {run_as} is not the image's user {uid}")
    check(re.search(rf"^EXPOSE\s+{port}\b", dockerfile, re.M),
          f"the Dockerfile does not EXPOSE {port}")
    cmd = re.search(r"^CMD\s+(\[.*\])", dockerfile, re.M)
    check(cmd and json.loads(cmd.group(1))[-2:] == ["--config", CONFIG_PATH],
          f"the image's CMD does not pass --config {CONFIG_PATH}")
    if args.app_binary and os.path.exists(args.app_binary):
        check_runtime_packages(args.app_binary, dockerfile)

    # -- Compose ----------------------------------------------------------------
    (compose,) = docs["compose.yaml"]
    services = compose["services"]
    kafka = services.get("kafka", {})
    roles = str(kafka.get("environment", {}).get("KAFKA_PROCESS_ROLES", ""))
    check("controller" in roles and "broker" in roles,
          "Kafka in compose.yaml is not in KRaft mode (broker,controller)")
    check("KAFKA_ZOOKEEPER_CONNECT" not in kafka.get("environment", {}),
          "compose.yaml's Kafka uses ZooKeeper")
    app = services.get("pipeline", {})
    check(any(str(p).endswith(f":{port}") for p in app.get("ports", [])),
          f"compose.yaml does not publish port {port}")
    check(duration_seconds(app.get("stop_grace_period", "10s")) > stop_bound,
          "compose.yaml's stop_grace_period is not longer than the stop bound")
    check(f"./config/pipeline.yaml:{CONFIG_PATH}:ro" in app.get("volumes", []),
          f"compose.yaml does not mount config/pipeline.yaml at {CONFIG_PATH}")
    check(app.get("command", [])[-2:] == ["--config", CONFIG_PATH],
          f"compose.yaml does not pass --config {CONFIG_PATH}")

    # -- Grafana: every queried metric is on the page --------------------------
    page = subprocess.run([args.sample_page], capture_output=True, text=True,
                          timeout=30, check=True).stdout
    names = sample_names(page)
    queried = 0
    for fname, dash in dashboards:
        for panel in dash.get("panels", []):
            for target in panel.get("targets", []):
                for metric in re.findall(r"\b(fastkafka_[a-z0-9_]+)",
                                         target.get("expr", "")):
                    queried += 1
                    check(metric in names,
                          f"grafana/{fname} panel \"{panel['title']}\" "
                          f"queries {metric}, which is not on /metrics")
        for var in dash.get("templating", {}).get("list", []):
            for metric in re.findall(r"\b(fastkafka_[a-z0-9_]+)",
                                     json.dumps(var.get("query", ""))):
                check(metric in names,
                      f"grafana/{fname} variable {var['name']} queries "
                      f"{metric}, which is not on /metrics")
    check(queried > 0, "the dashboards query no fastkafka metric")
    return report(queried)


def check_runtime_packages(binary, dockerfile):
    """The runtime stage installs the package of every library `ldd` finds."""
    base = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1",
            "liblz4-1"}
    out = subprocess.run(["ldd", binary], capture_output=True, text=True,
                         check=True).stdout
    stage = dockerfile.split("AS runtime", 1)[-1]
    for lib in re.findall(r"=> (/\S+)", out):
        real = os.path.realpath(lib)
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True,
                               text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", "/usr" + real if
                                    not real.startswith("/usr") else
                                    real[4:]], capture_output=True, text=True)
        if owner.returncode != 0:
            continue
        pkg = owner.stdout.split(":")[0]
        check(pkg in base or re.search(rf"\b{re.escape(pkg)}\b", stage),
              f"the runtime image lacks {pkg} (for {lib})")


def report(queried=0):
    for f in failures:
        print("FAIL:", f)
    if failures:
        return 1
    print(f"deploy files agree with the code ({queried} dashboard queries "
          f"checked against /metrics)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
