#!/usr/bin/env bash
# Install what is needed, build everything, and run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
# Suites start their own brokers on ephemeral loopback ports, so two can run
# side by side; each has its own CTest time limit.
ctest --test-dir build --output-on-failure -j2 --timeout 600
