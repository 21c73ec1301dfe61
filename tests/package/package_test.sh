#!/usr/bin/env bash
# The package tests (tests/package/CMakeLists.txt runs one mode per test):
#   install           cmake --install into a prefix; what is there, what is not
#   find_package      consumer/ built against that prefix and run; every
#                     installed header compiled with librdkafka's poisoned
#   add_subdirectory  consumer/ built with fastkafka's source tree inside it
#   deb               cpack -G DEB; Depends; dpkg-deb -x; consumer/ built
#                     against the unpacked tree and run
#   pkg_config        consumer/'s two sources compiled and linked with
#                     `pkg-config --cflags --libs` and run
# Arguments: MODE then KEY=VALUE (source, build, work, prefix, libdir, cmake,
# cpack, cxx, launcher, step_timeout). Each mode has its own work directory, wiped at the start.
# Exits 77 (skipped) only when a tool it needs is missing.
set -euo pipefail

mode=$1
shift
for kv in "$@"; do
  declare "${kv%%=*}=${kv#*=}"
done
: "${source:?}" "${build:?}" "${work:?}" "${prefix:?}" "${cmake:?}" "${cxx:?}"
launcher=${launcher:-}
libdir=${libdir:-lib}
consumer=$source/tests/package/consumer
# Bounds for each step, well inside the CTest time limit of the mode.
step_timeout=${step_timeout:-1500}

log() { printf '[package %s] %s\n' "$mode" "$*"; }
fail() { printf '[package %s] FAIL: %s\n' "$mode" "$*" >&2; exit 1; }
skip() { printf '[package %s] SKIP: %s\n' "$mode" "$*"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed ($2)"; }
run() { log "\$ $*"; timeout --kill-after=10 "$step_timeout" "$@"; }

need timeout "coreutils"
need nm "binutils, for the check that production binaries have no tester"

# configure_consumer BUILD_DIR [cmake arguments]: consumer/ at -O0 (a quick
# compile; these tests check linking and behaviour, not speed).
configure_consumer() {
  local dir=$1
  shift
  local args=(-S "$consumer" -B "$dir" -DCMAKE_BUILD_TYPE= "-DCMAKE_CXX_COMPILER=$cxx")
  if [[ -n $launcher ]]; then
    args+=("-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher")
  fi
  run "$cmake" "${args[@]}" "$@"
}

# check_consumer BUILD_DIR: runs the check on the embedded broker and the
# production binary, and looks for the tester in the latter.
check_consumer() {
  local dir=$1
  run "$dir/consumer_check" || fail "consumer_check (embedded broker) failed"
  local version
  version=$(run "$dir/consumer_service" --version) || fail "consumer_service --version failed"
  [[ $version == *1.0.0* ]] || fail "consumer_service --version printed '$version'"
  check_no_testing "$dir/consumer_service"
}

# check_no_testing BINARY: the production umbrella links neither the tester
# nor the embedded broker (nor librdkafka's mock cluster).
check_no_testing() {
  local found
  found=$(nm -C "$1" | grep -E 'fastkafka::(tester|embedded_broker)|rd_kafka_mock_' || true)
  [[ -z $found ]] || fail "$1 links the testing library: $(head -3 <<<"$found")"
  log "$(basename "$1") has no tester, embedded broker or mock cluster symbols"
}

rm -rf "$work"
mkdir -p "$work"

case $mode in
install)
  rm -rf "$prefix"
  run "$cmake" --install "$build" --prefix "$prefix"
  for f in $libdir/cmake/fastkafka/fastkafkaConfig.cmake \
           $libdir/cmake/fastkafka/fastkafkaConfigVersion.cmake \
           $libdir/cmake/fastkafka/fastkafkaTargets.cmake \
           $libdir/cmake/fastkafka/fastkafkaTestingTargets.cmake \
           $libdir/cmake/fastkafka/fastkafkaDependencies.cmake \
           $libdir/cmake/fastkafka/FindCAF.cmake \
           $libdir/pkgconfig/fastkafka.pc $libdir/pkgconfig/fastkafka-testing.pc \
           $libdir/libfastkafka_core.a $libdir/libfastkafka_actors.a $libdir/libfastkafka_cli.a \
           $libdir/libfastkafka_kafka.a $libdir/libfastkafka_testing.a bin/fastkafka-broker \
           include/fastkafka/app.hpp include/fastkafka/runtime.hpp \
           include/fastkafka/cli.hpp include/fastkafka/tester.hpp \
           include/fastkafka/codecs/json.hpp include/fastkafka/kafka/producer_port.hpp; do
    [[ -e $prefix/$f ]] || fail "not installed: $f"
  done
  # The adapter's handle headers stay in the build tree.
  for f in include/fastkafka/kafka/handles.hpp include/fastkafka/kafka/client_base.hpp; do
    [[ ! -e $prefix/$f ]] || fail "installed, but it includes librdkafka: $f"
  done
  if hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"]librdkafka/' "$prefix/include"); then
    fail "installed headers include librdkafka: $hits"
  fi
  # The production targets never name the testing library.
  if grep -n 'fastkafka_testing\|fastkafka::testing' "$prefix/$libdir/cmake/fastkafka/fastkafkaTargets.cmake"; then
    fail "fastkafkaTargets.cmake names the testing library"
  fi
  log "$(find "$prefix/include" -name '*.hpp' | wc -l) headers, $(find "$prefix/$libdir" -name '*.a' | wc -l) libraries installed in $prefix"
  ;;

find_package)
  [[ -e $prefix/$libdir/cmake/fastkafka/fastkafkaConfig.cmake ]] ||
    fail "no install in $prefix (the package_install test sets it up)"
  configure_consumer "$work/build" "-DCMAKE_PREFIX_PATH=$prefix" -DCONSUMER_CHECK_HEADERS=ON
  grep -q "^fastkafka_DIR:PATH=$prefix/" "$work/build/CMakeCache.txt" ||
    fail "fastkafka was not found in $prefix: $(grep '^fastkafka_DIR' "$work/build/CMakeCache.txt")"
  run "$cmake" --build "$work/build" -j2
  check_consumer "$work/build"
  ;;

add_subdirectory)
  configure_consumer "$work/build" "-DFASTKAFKA_SOURCE_DIR=$source"
  # Inside another project, fastkafka's tests, examples, benchmarks and
  # install rules are off by default.
  for opt in FASTKAFKA_BUILD_TESTS FASTKAFKA_BUILD_EXAMPLES FASTKAFKA_BUILD_BENCHMARKS FASTKAFKA_INSTALL; do
    grep -q "^$opt:BOOL=OFF" "$work/build/CMakeCache.txt" || fail "$opt is not OFF under add_subdirectory"
  done
  run "$cmake" --build "$work/build" -j2
  check_consumer "$work/build"
  # The examples and benchmarks configure inside another project, and an
  # example builds and runs there.
  run "$cmake" "$work/build" -DFASTKAFKA_BUILD_EXAMPLES=ON -DFASTKAFKA_BUILD_BENCHMARKS=ON
  run "$cmake" --build "$work/build" -j2 --target pipeline-demo
  run "$work/build/fastkafka/examples/demo/pipeline-demo" --messages 3 ||
    fail "pipeline-demo under add_subdirectory failed"
  ;;

deb)
  need dpkg-deb "dpkg"
  : "${cpack:?}"
  run "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb"
  debs=("$work"/deb/*.deb)
  [[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one .deb in $work/deb, got: ${debs[*]}"
  deb=${debs[0]}
  log "built $(basename "$deb")"
  [[ $(dpkg-deb -f "$deb" Package) == libfastkafka-dev ]] || fail "Package: $(dpkg-deb -f "$deb" Package)"
  depends=$(dpkg-deb -f "$deb" Depends)
  log "Depends: $depends"
  for p in libcaf-dev librdkafka-dev libboost1.81-dev libboost-json1.81-dev libspdlog-dev \
           libcli11-dev libyaml-cpp-dev libcpp-httplib-dev pkgconf; do
    grep -qE "(^|, |\| )$p( |,|$)" <<<"$depends" || fail "Depends does not name $p"
  done
  # Every package named exists in this system's Debian (installed here).
  for p in $(tr ',|' '\n' <<<"$depends" | sed 's/(.*)//; s/ //g' | grep -v '^pkg-config$'); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      fail "Depends names $p, which is not an installed Debian package here"
  done
  contents=$(dpkg-deb -c "$deb")
  grep -q "/usr/$libdir/cmake/fastkafka/fastkafkaConfig.cmake\$" <<<"$contents" ||
    fail "the .deb has no /usr/$libdir/cmake/fastkafka/fastkafkaConfig.cmake"
  run dpkg-deb -x "$deb" "$work/root"
  configure_consumer "$work/build" "-DCMAKE_PREFIX_PATH=$work/root/usr"
  grep -q "^fastkafka_DIR:PATH=$work/root/usr/" "$work/build/CMakeCache.txt" ||
    fail "fastkafka was not found in the unpacked .deb"
  run "$cmake" --build "$work/build" -j2
  check_consumer "$work/build"
  # The unpacked .pc files point into the unpacked tree.
  if command -v pkg-config >/dev/null 2>&1; then
    cflags=$(PKG_CONFIG_PATH=$work/root/usr/$libdir/pkgconfig pkg-config --cflags fastkafka)
    [[ $cflags == *"$work/root/usr/$libdir/pkgconfig/"*"/include"* ]] ||
      fail "fastkafka.pc of the unpacked .deb: --cflags is '$cflags'"
  fi
  ;;

pkg_config)
  need pkg-config "pkgconf"
  [[ -e $prefix/$libdir/pkgconfig/fastkafka.pc ]] || fail "no install in $prefix (the package_install test sets it up)"
  export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  # shellcheck disable=SC2207
  flags=($(pkg-config --cflags --libs fastkafka))
  log "fastkafka: ${flags[*]}"
  run "$cxx" -std=c++20 -o "$work/consumer_service" "$consumer/service.cpp" "${flags[@]}"
  # shellcheck disable=SC2207
  flags=($(pkg-config --cflags --libs fastkafka-testing))
  run "$cxx" -std=c++20 -o "$work/consumer_check" "$consumer/main.cpp" "${flags[@]}"
  check_consumer "$work"
  ;;

*)
  fail "unknown mode $mode"
  ;;
esac
log "ok"
