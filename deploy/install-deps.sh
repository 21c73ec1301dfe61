#!/usr/bin/env bash
# Installs everything fastkafka needs to build, run and test, from Debian's packages.
# Idempotent: a second run installs nothing new.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake make pkg-config clang-format
  # fixed dependencies
  libcaf-dev librdkafka-dev libboost1.81-dev libboost-json1.81-dev
  # libraries we use instead of writing our own
  libcli11-dev libspdlog-dev libbenchmark-dev libgtest-dev
  # interoperability peers used by the tests
  kcat python3 python3-kafka python3-avro libavro-dev
  # workers: `top` driven in tmux; socat forwards the loopback-only mock
  # broker into network namespaces (iproute2 creates them)
  tmux socat iproute2
  # fuzzing the decoders (libFuzzer with ASan/UBSan)
  clang libclang-rt-14-dev
  # docs: YAML writer, `docs serve`, Node for the AsyncAPI tooling (npm comes
  # with the image's nodejs; Debian's separate npm package conflicts with
  # it), and the headless browser of the docs test
  libyaml-cpp-dev libcpp-httplib-dev nodejs chromium
  # operations: promtool lints /metrics, PyYAML reads the deploy manifests,
  # systemd-analyze verifies the unit
  prometheus python3-yaml systemd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
updated=0
if ((${#missing[@]})); then
  $sudo apt-get update -qq
  updated=1
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's nodejs comes without npm (a package of its own); NodeSource's
# nodejs bundles it and conflicts with Debian's npm. Install it only if absent.
if ! command -v npm >/dev/null 2>&1; then
  ((updated)) || $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends npm
fi
