#pragma once

#include "fastkafka/detail/producer_slot.hpp"

namespace fastkafka::actors {

/// A sink that forwards to whichever client is attached, so that those who
/// send (the consumer engines' dead letters) keep one address while the
/// client behind it is replaced.
class slot_sink final : public fastkafka::detail::message_sink {
public:
  void attach(fastkafka::detail::message_sink* s) noexcept { slot_.attach(s); }
  void detach() noexcept { slot_.detach(); }

  bool send(const fastkafka::detail::outbound_message& msg,
            std::string& err) override {
    slot_.active.fetch_add(1);
    struct leave {
      fastkafka::detail::producer_slot& s;
      ~leave() { s.active.fetch_sub(1); }
    } guard{slot_};
    auto* target = slot_.sink.load();
    if (target == nullptr) {
      err = "the dead-letter producer is restarting or stopped";
      return false;
    }
    return target->send(msg, err);
  }

private:
  fastkafka::detail::producer_slot slot_;
};

} // namespace fastkafka::actors
