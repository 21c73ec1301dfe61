#include "fastkafka/kafka/delivery.hpp"

#include "fastkafka/kafka/producer_client.hpp"

namespace fastkafka::kafka {

namespace {

delivery_scope*& innermost() noexcept {
  thread_local delivery_scope* current = nullptr;
  return current;
}

} // namespace

void delivery_batch::serve() noexcept {
  for (auto* p : used_)
    p->poll(0);
  used_.clear();
}

delivery_scope::delivery_scope(ticket* t, delivery_batch* batch,
                               std::string_view traceparent) noexcept
    : ticket_(t)
    , batch_(batch)
    , trace_(traceparent)
    , log_(traceparent.empty() ? trace_log_scope::current() : traceparent)
    , previous_(innermost()) {
  innermost() = this;
}

delivery_scope::~delivery_scope() noexcept {
  innermost() = previous_;
}

delivery_scope* delivery_scope::current() noexcept {
  return innermost();
}

} // namespace fastkafka::kafka
