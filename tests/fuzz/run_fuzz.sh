#!/usr/bin/env bash
# Builds one libFuzzer target (tests/fuzz/fuzz_NAME.cpp) with clang++ and runs
# it for a bounded time over the committed seed corpus. Any crash, leak, UB
# report or failed round trip makes the fuzzer exit non-zero, and so this
# script and the CTest test that calls it.
#
# usage: run_fuzz.sh NAME SOURCE_DIR WORK_DIR [SECONDS]
#   NAME       json | avro
#   SOURCE_DIR the repository root
#   WORK_DIR   where the binary, the grown corpus and crash artifacts go
set -euo pipefail

name=$1
src=$2
work=$3
seconds=${4:-30}

cxx=${FASTKAFKA_FUZZ_CXX:-clang++}
if ! command -v "$cxx" >/dev/null; then
  echo "FAIL: $cxx not found; the fuzz tests need clang with libFuzzer:" \
    "run deploy/install-deps.sh (clang, libclang-rt-14-dev)" >&2
  exit 1
fi

mkdir -p "$work/corpus_$name" "$work/artifacts_$name"
bin="$work/fuzz_$name"
target="$src/tests/fuzz/fuzz_$name.cpp"

# Rebuild when the target, the shared model or any codec file is newer.
stale=1
if [[ -x $bin ]]; then
  newer=$(find "$target" "$src/tests/fuzz/fuzz_model.hpp" \
    "$src/codecs/include" "$src/codecs/src" -newer "$bin" -type f | head -1)
  [[ -z $newer ]] && stale=0
fi
if ((stale)); then
  echo "building $bin"
  "$cxx" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/codecs/include" -I"$src/codecs/src" -I"$src/tests/fuzz" \
    "$target" "$src"/codecs/src/*.cpp -o "$bin.tmp"
  mv "$bin.tmp" "$bin"
fi

# New inputs go to the first directory (in the build tree), never into the
# committed seeds.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts_$name/" \
  "$work/corpus_$name" "$src/tests/fuzz/corpus_$name"
