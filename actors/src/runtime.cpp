#include "fastkafka/runtime.hpp"

#include "fastkafka/consumer_groups.hpp"

#include <map>

#include "caf/actor_cast.hpp"
#include "caf/actor_system.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"

#include "fastkafka/detail/clock.hpp"
#include "fastkafka/log.hpp"
#include "fastkafka/settings.hpp"

namespace fastkafka {

namespace {

using fastkafka::detail::monotonic_ms;

// Every problem at once, so that a misconfigured deployment needs one
// round trip to fix.
// A registration's options: the start options' replacement when given.
const client_options& options_of(const start_options& options,
                                 const std::string& name,
                                 const client_options& own) {
  auto i = options.registrations.find(name);
  return i == options.registrations.end() ? own : i->second;
}

void validate_all(const app& a, const start_options& options,
                  const client_options& app_options) {
  std::vector<std::string> problems;
  for (auto& p : validate(app_options))
    problems.push_back("app options: " + p);
  // Each client as it will be created: the app's options under the
  // registration's, so that rules spanning both (acks and idempotence,
  // heartbeat and session timeout) are checked too.
  std::map<std::string, std::string> transactional_ids;
  for (auto& c : a.consumers()) {
    auto merged =
        merge(app_options, options_of(options, c->registration(), c->options));
    for (auto& p : validate_client(merged, client_role::consumer))
      problems.push_back("consumes " + c->name + ": " + p);
    bool exactly_once = resolve_consumer_settings(merged).exactly_once;
    if (exactly_once && c->exec == executor::concurrent)
      problems.push_back("consumes " + c->name +
                         ": delivery=exactly_once needs the sequential "
                         "executor (or a batch handler): a poll's "
                         "transaction commits the offsets of all its "
                         "messages at once");
    if (exactly_once) {
      // Its transactional producer is made from these options too: acks
      // and idempotence must allow transactions.
      auto as_producer = merged;
      if (!as_producer.transactional_id)
        as_producer.transactional_id = "<derived>";
      for (auto& p : validate(as_producer))
        if (p.find("transactional_id") != std::string::npos)
          problems.push_back("consumes " + c->name +
                             " (delivery=exactly_once): " + p);
    }
    if (merged.transactional_id && !exactly_once)
      problems.push_back("consumes " + c->name +
                         ": transactional_id=" + *merged.transactional_id +
                         " is used only with delivery=exactly_once (it names "
                         "the consumer's transactional producer); remove it "
                         "or set delivery=exactly_once");
    if (merged.transactional_id && exactly_once) {
      auto [it, fresh] =
          transactional_ids.emplace(*merged.transactional_id, c->name);
      if (!fresh)
        problems.push_back("consumes " + c->name + ": transactional_id=" +
                           *merged.transactional_id + " is also " + it->second +
                           "'s: each consumer needs its own (leave it unset "
                           "to derive <group>.<registration>)");
    }
  }
  for (auto& p : a.producers()) {
    auto merged = merge(app_options, options_of(options, p->name, p->options));
    for (auto& msg : validate_client(merged, client_role::producer))
      problems.push_back("produces " + p->name + ": " + msg);
    if (merged.transactional_id)
      problems.push_back("produces " + p->name +
                         ": transactional_id=" + *merged.transactional_id +
                         " cannot be set on a producer: transactions are "
                         "opened by exactly-once consumers around each poll "
                         "(set delivery=exactly_once on the consumer, and "
                         "transactional_id, if at all, as "
                         "--set CONSUMER.transactional_id=...)");
  }
  if (!problems.empty()) {
    std::string text = "invalid configuration:";
    for (auto& p : problems)
      text += "\n  " + p;
    throw config_error(text);
  }
}

// One plan (and client supervisor) per cluster address.
std::vector<actors::cluster_plan>
plan_clusters(const app& a, const start_options& options,
              const client_options& app_options,
              const std::shared_ptr<actors::runtime_board>& board) {
  auto& cfg = a.config();
  std::map<std::string, actors::cluster_plan> plans;
  auto address_of = [&](const std::optional<broker_map>& own) {
    if (options.override_all || !own || !own->contains(options.broker_name))
      return options.bootstrap_servers;
    return bootstrap_servers(own->at(options.broker_name));
  };
  std::shared_ptr<const oauth_token_provider> tokens;
  if (cfg.oauth_tokens)
    tokens = std::make_shared<const oauth_token_provider>(cfg.oauth_tokens);
  auto plan_for = [&](const std::string& address) -> actors::cluster_plan& {
    auto& plan = plans[address];
    if (plan.bootstrap_servers.empty()) {
      plan.broker_name = options.broker_name;
      plan.bootstrap_servers = address;
      plan.app_title = cfg.title;
      plan.app_options = app_options;
      plan.restarts = cfg.restarts;
      plan.clients = actors::kafka_clients(tokens);
      plan.board = board;
      plan.timed = options.timed;
      plan.registration_options = options.registrations;
    }
    return plan;
  };
  for (auto& c : a.consumers()) {
    auto& plan = plan_for(address_of(c->brokers));
    plan.consumers.push_back(c);
    // The group follows the options the consumer runs with.
    auto own = c->options;
    if (auto i = options.registrations.find(c->registration());
        i != options.registrations.end())
      own = i->second;
    auto spec = *c;
    spec.options = own;
    plan.group_ids.push_back(a.group_id(spec, app_options));
  }
  for (auto& p : a.producers())
    plan_for(address_of(p->brokers)).producers.push_back(p);
  std::vector<actors::cluster_plan> out;
  for (auto& [address, plan] : plans)
    out.push_back(std::move(plan));
  return out;
}

// The app-wide options the clients start from.
client_options effective_app_options(const app& a,
                                     const start_options& options) {
  auto& cfg = a.config();
  auto app_options =
      merge(merge(options.defaults, cfg.options), options.overrides);
  // A broker's declared security is the one the docs show: clients follow
  // it (an embedded broker replaces every declared one).
  if (auto b = cfg.kafka_brokers.find(options.broker_name);
      !options.override_all && b != cfg.kafka_brokers.end())
    app_options = with_security(
        app_options, effective_security(b->first, b->second, app_options));
  return app_options;
}

std::vector<actors::benchmark_target> benchmark_targets(const app& a) {
  std::vector<actors::benchmark_target> marked;
  for (auto& c : a.consumers())
    if (c->benchmark)
      marked.push_back(
          {c->name, [h = c->handled] { return h->load(); }, *c->benchmark});
  for (auto& p : a.producers())
    if (p->benchmark)
      marked.push_back(
          {p->name, [s = p->slot] { return s->sent.load(); }, *p->benchmark});
  return marked;
}

} // namespace

std::vector<consumer_group_target>
consumer_groups(const app& a, const start_options& options) {
  if (options.bootstrap_servers.empty())
    throw config_error("no bootstrap servers: declare a broker in "
                       "kafka_brokers, pass --bootstrap-servers or set "
                       "FASTKAFKA_BOOTSTRAP_SERVERS");
  auto app_options = effective_app_options(a, options);
  validate_all(a, options, app_options);
  std::vector<consumer_group_target> out;
  for (auto& plan : plan_clusters(a, options, app_options, nullptr))
    for (size_t i = 0; i < plan.consumers.size(); ++i) {
      auto& spec = plan.consumers[i];
      consumer_group_target t;
      t.registration = spec->name;
      t.topic = spec->topic;
      t.group = plan.group_ids[i];
      // As the client supervisor creates the consumer.
      t.options =
          merge(app_options, options_of(options, spec->name, spec->options));
      t.options.bootstrap_servers = plan.bootstrap_servers;
      out.push_back(std::move(t));
    }
  return out;
}

struct runtime::running {
  caf::actor_system* system = nullptr;
  actors::app_supervisor_actor supervisor;
  std::chrono::milliseconds stop_timeout{30000};
};

runtime::runtime(app& declaration)
    : app_(declaration)
    , board_(std::make_shared<actors::runtime_board>()) {
  // nop
}

runtime::~runtime() noexcept {
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; stop() logs its own failures.
  }
}

void runtime::start(caf::actor_system& system, start_options options) {
  if (running_)
    return;
  auto& cfg = app_.config();
  if (options.bootstrap_servers.empty())
    throw config_error("no bootstrap servers: declare a broker in "
                       "kafka_brokers, pass --bootstrap-servers or set "
                       "FASTKAFKA_BOOTSTRAP_SERVERS");
  auto app_options = effective_app_options(app_, options);
  validate_all(app_, options, app_options);
  for (auto& [name, opts] : options.registrations) {
    bool known = false;
    for (auto& c : app_.consumers())
      known = known || c->name == name;
    for (auto& p : app_.producers())
      known = known || p->name == name;
    if (!known)
      throw config_error("options for registration \"" + name +
                         "\", which the app does not have");
  }
  actors::app_plan plan;
  plan.title = cfg.title;
  plan.clusters = plan_clusters(app_, options, app_options, board_);
  plan.tasks = app_.background_tasks();
  plan.benchmarks = benchmark_targets(app_);
  plan.services = std::move(options.services);
  plan.restarts = cfg.restarts;
  plan.stop_timeout = options.stop_timeout.value_or(cfg.stop_timeout);
  plan.board = board_;
  if (cfg.lifespan.enter)
    cfg.lifespan.enter();
  board_->set_state(runtime_state::starting);
  log().info("starting {} {} on broker {} ({})", cfg.title, cfg.version,
             options.broker_name, options.bootstrap_servers);
  auto stop_timeout = plan.stop_timeout;
  auto sup = actors::spawn_app_supervisor(system, std::move(plan));
  caf::scoped_actor self{system};
  caf::error failure;
  // Creating clients is local work; a minute means something is wrong.
  self->request(sup, std::chrono::seconds(60), start_atom_v)
      .receive([](bool) {}, [&](caf::error& err) { failure = std::move(err); });
  if (failure) {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    board_->set_state(runtime_state::stopped);
    auto text = "cannot start " + cfg.title + ": " +
                actors::describe_error(system, failure);
    if (cfg.lifespan.exit)
      cfg.lifespan.exit();
    // librdkafka refusing a client (a property it does not know, a value
    // out of range, a certificate file that is not there) is the
    // configuration's fault: starting again repeats it.
    if (failure.category() ==
            caf::detail::error_factory<error_code>::category &&
        failure.code() ==
            static_cast<uint8_t>(error_code::client_creation_failed))
      throw config_error(text);
    throw std::runtime_error(text);
  }
  running_ = std::make_unique<running>();
  running_->system = &system;
  running_->supervisor = sup;
  running_->stop_timeout = stop_timeout;
  fastkafka::detail::app_access::set_running(app_, true);
  board_->set_state(runtime_state::running);
  log().info("{} started", cfg.title);
}

bool runtime::stop() {
  if (!running_)
    return true;
  auto r = std::move(running_);
  auto& cfg = app_.config();
  caf::scoped_actor self{*r->system};
  auto deadline = monotonic_ms() + r->stop_timeout.count();
  bool ok = false;
  self->request(r->supervisor, r->stop_timeout + std::chrono::seconds(2),
                stop_atom_v, deadline)
      .receive([&](bool res) { ok = res; },
               [&](caf::error& err) {
                 // The supervisor ended already (after a failure) or did not
                 // answer within the bound.
                 if (board_->state() != runtime_state::failed)
                   log().error("stopping {}: {}", cfg.title,
                               actors::describe_error(*r->system, err));
               });
  auto failed = board_->state() == runtime_state::failed;
  if (!failed)
    board_->set_state(runtime_state::stopped);
  if (ok && !failed)
    log().info("{} stopped", cfg.title);
  else if (failed)
    log().error("{} stopped after a failure: {}", cfg.title, failure());
  else
    log().error("{} stopped, but not everything was committed or "
                "acknowledged within the stop bound",
                cfg.title);
  fastkafka::detail::app_access::set_running(app_, false);
  if (cfg.lifespan.exit)
    cfg.lifespan.exit();
  return ok && !failed;
}

bool runtime::is_started() const noexcept {
  return running_ != nullptr;
}

runtime_state runtime::state() const {
  return board_->state();
}

std::string runtime::failure() const {
  return board_->failure();
}

bool runtime::wait_failed(std::chrono::milliseconds timeout) const {
  return board_->wait_failed(timeout);
}

runtime_snapshot runtime::snapshot() const {
  return board_->snapshot(app_.config().title);
}

std::vector<std::pair<std::string, std::string>> runtime::statistics() const {
  return board_->statistics();
}

caf::actor runtime::supervisor() const noexcept {
  return running_ ? caf::actor_cast<caf::actor>(running_->supervisor)
                  : caf::actor{};
}

} // namespace fastkafka
