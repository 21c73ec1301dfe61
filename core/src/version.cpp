#include "fastkafka/version.hpp"

namespace fastkafka {

const char* version() noexcept {
  return "0.1.0";
}

} // namespace fastkafka
