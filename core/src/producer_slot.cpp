#include "fastkafka/detail/producer_slot.hpp"

#include <thread>

namespace fastkafka::detail {

void producer_slot::detach() noexcept {
  sink.store(nullptr);
  while (active.load() != 0)
    std::this_thread::yield();
}

} // namespace fastkafka::detail
