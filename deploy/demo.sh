#!/usr/bin/env bash
# The main job: install what is needed, build, and run the pipeline example on
# an embedded broker with demo data. Extra arguments go to pipeline-demo.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)" --target pipeline-demo pipeline fastkafka-broker
exec ./build/examples/demo/pipeline-demo "$@"
