#!/usr/bin/env python3
"""20,000 random doubles through the pipeline, written and read by kafka-python.

kafka-python (a client nobody here wrote) sends InputData records whose
`value` is Python's repr of a random double (the shortest text that reads
back to that double) to `input` of a fastkafka-broker process; the `pipeline`
example doubles each value and writes it to `output`; kafka-python reads
`output` back. Doubling is exact in binary floating point, so every output
must be exactly 2x its input: a decoder that misreads a number (Boost.JSON
1.81's parser did for 4,277 of 20,000) or an encoder that does not write a
round-tripping text fails here. Every id is counted: each must come out
exactly once.

The corpus mixes uniform values of several magnitudes, random bit patterns of
every finite exponent (those whose double still fits), and the hard cases:
17 significant digits, subnormals, halfway-looking decimals, exponents near
both limits.

Exits 77 (skip) when kafka-python is missing. Kills the processes it starts
by pid.
"""

import argparse
import json
import math
import os
import random
import signal
import struct
import subprocess
import sys
import time

COUNT = 20_000
SKIP = 77


def hard_cases():
    """Texts known to trip parsers that are not correctly rounded."""
    return [
        5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308,
        4.9406564584124654e-324, 2.4703282292062328e-324 * 2,
        8.988465674311579e307, 1.7976931348623157e308 / 2.5,
        0.1, 0.2, 0.30000000000000004, 1 / 3, 2 / 3, 9007199254740993.0,
        9007199254740991.0, 4503599627370497.5, 1.0000000000000002,
        0.9999999999999999, 385.79144244671085, 991.1573374735219,
        1.2345678901234567e-300, 9.999999999999999e299, 123456789012345.67,
        7.450580596923828e-09, 2.9802322387695312e-08, 1e23, 8.41e21,
        5.960464477539063e-08, 0.000244140625, 1e-7, 1e21, 1e22, -0.0, 0.0,
    ]


def corpus(rng):
    # 2x must stay finite: JSON has no infinity (the app would dead-letter).
    values = [float(v) for v in hard_cases() if math.isfinite(2 * float(v))]
    # Random bits: every exponent a double has (that 2x does not overflow).
    while len(values) < COUNT // 2:
        (v,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if math.isfinite(v) and math.isfinite(2 * v):
            values.append(v)
    # Uniform values in the ranges services carry: 17-digit mantissas.
    scales = [1e-6, 1e-3, 1, 1e3, 1e6, 1e12, 1e18]
    while len(values) < COUNT:
        values.append(rng.uniform(-1, 1) * rng.choice(scales))
    return values


def start_broker(broker_exe):
    broker = subprocess.Popen(
        [broker_exe, "--partitions", "4", "--topic", "input", "--topic",
         "output", "--topic", "input.dlq"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = broker.stdout.readline().strip()
    if not line.startswith("127.0.0.1:"):
        broker.kill()
        raise SystemExit(f"broker did not print its address: {line!r}")
    return broker, line


def stop(proc, sig=signal.SIGTERM, timeout=30):
    if proc.poll() is not None:
        return proc.returncode
    os.kill(proc.pid, sig)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipeline", required=True)
    parser.add_argument("--broker", required=True)
    parser.add_argument("--seed", type=int, default=20_000)
    args = parser.parse_args()
    try:
        from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    except ImportError as e:
        print(f"kafka-python is not installed ({e}): skipped")
        return SKIP

    rng = random.Random(args.seed)
    values = corpus(rng)
    broker, bootstrap = start_broker(args.broker)
    app = None
    try:
        app = subprocess.Popen(
            [args.pipeline, "run", "--bootstrap-servers", bootstrap],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
        for i, v in enumerate(values):
            # json.dumps writes repr(v): the shortest round-tripping text.
            text = json.dumps({"id": i, "value": v, "name": f"py-{i}"})
            assert json.loads(text)["value"] == v
            producer.send("input", key=str(i).encode(), value=text.encode())
        producer.flush(60)
        producer.close()

        consumer = KafkaConsumer(bootstrap_servers=bootstrap,
                                 consumer_timeout_ms=1000)
        parts = [TopicPartition("output", p) for p in range(4)]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        seen = {}
        duplicates = 0
        deadline = time.monotonic() + 180
        while len(seen) < COUNT and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    out = json.loads(record.value)
                    if out["id"] in seen:
                        duplicates += 1
                    seen[out["id"]] = out
        consumer.close()
    finally:
        code = stop(app) if app else None
        stop(broker)
    if app is not None:
        log = app.stderr.read()
        if code != 0:
            print(log[-4000:])

    missing = [i for i in range(COUNT) if i not in seen]
    wrong = []
    for i, out in seen.items():
        want = values[i] * 2
        got = float(out["value"])
        if got != want or math.copysign(1, got) != math.copysign(1, want):
            wrong.append((i, values[i], got, want))
    print(f"{len(values)} sent, {len(seen)} distinct ids back, "
          f"{duplicates} duplicates, {len(missing)} missing, "
          f"{len(wrong)} not exactly doubled")
    for i, sent, got, want in wrong[:10]:
        print(f"  id {i}: in {sent!r}, out {got!r}, want {want!r}")
    if missing:
        print(f"  missing ids (first 10): {missing[:10]}")
    ok = not missing and not wrong and duplicates == 0 and code == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
