// The one translation unit per test binary that carries CAF's test runner.
#include "caf/test/unit_test_impl.hpp"
