#include "fastkafka/kafka/delivery.hpp"

#include "fastkafka/kafka/producer_client.hpp"

namespace fastkafka::kafka {

namespace {

delivery_scope*& innermost() noexcept {
  thread_local delivery_scope* current = nullptr;
  return current;
}

fastkafka::detail::message_sink*& transaction_sink() noexcept {
  thread_local fastkafka::detail::message_sink* current = nullptr;
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

transaction_scope::transaction_scope(
    fastkafka::detail::message_sink* sink) noexcept
    : previous_(transaction_sink()) {
  transaction_sink() = sink;
}

transaction_scope::~transaction_scope() noexcept {
  transaction_sink() = previous_;
}

fastkafka::detail::message_sink* transaction_scope::current() noexcept {
  return transaction_sink();
}

} // namespace fastkafka::kafka
