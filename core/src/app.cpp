#include "fastkafka/app.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "caf/actor_cast.hpp"
#include "caf/actor_system.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"

#include "fastkafka/actors/docs.hpp"
#include "fastkafka/actors/interfaces.hpp"
#include "fastkafka/log.hpp"

namespace fastkafka {

struct app::running {
  caf::actor_system* system = nullptr;
  app_supervisor_actor supervisor;
  std::stop_source tasks_stop;
  std::vector<std::pair<std::string, background_actor>> tasks;
  benchmark_actor benchmark;
  docs_actor docs;
};

app::app(app_config config)
    : config_(std::move(config)) {
  if (!config_.contact)
    config_.contact = contact_info{};
}

app::~app() noexcept {
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; stop() logs its own failures.
  }
}

namespace {

// A registration's brokers must name exactly the app's brokers, so that
// `--kafka-broker NAME` means the same thing for every client.
void check_broker_names(const char* kind, const std::string& name,
                        const std::optional<broker_map>& own,
                        const broker_map& app_brokers) {
  if (!own)
    return;
  auto names = [](const broker_map& m) {
    std::string out;
    for (auto& [n, b] : m)
      out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? std::string{"none"} : out;
  };
  bool same = own->size() == app_brokers.size();
  for (auto& [n, b] : *own)
    same = same && app_brokers.contains(n) && !b.empty();
  if (!same)
    throw config_error(std::string{kind} + " " + name +
                       ": its brokers must name the same brokers as the "
                       "app (app: " +
                       names(app_brokers) + "; " + name + ": " + names(*own) +
                       ")");
}

} // namespace

void app::add_consumer(detail::consumer_spec spec) {
  check_broker_names("consumes", spec.name, spec.brokers,
                     config_.kafka_brokers);
  if (running_)
    throw config_error("consumes " + spec.name +
                       ": register handlers before the app starts");
  for (auto& c : consumers_)
    if (c->name == spec.name)
      throw config_error("consumes " + spec.name +
                         ": a consumer of that name exists already");
  consumers_.push_back(
      std::make_shared<const detail::consumer_spec>(std::move(spec)));
}

void app::add_producer(detail::producer_spec spec) {
  check_broker_names("produces", spec.name, spec.brokers,
                     config_.kafka_brokers);
  if (running_)
    throw config_error("produces " + spec.name +
                       ": register producers before the app starts");
  for (auto& p : producers_)
    if (p->name == spec.name)
      throw config_error("produces " + spec.name +
                         ": a producer of that name exists already");
  producers_.push_back(
      std::make_shared<const detail::producer_spec>(std::move(spec)));
}

void app::run_in_background(std::string name,
                            std::function<void(std::stop_token)> task) {
  if (running_)
    throw config_error("run_in_background " + name +
                       ": add background tasks before the app starts");
  log().info("background task {} added", name);
  tasks_.emplace_back(std::move(name), std::move(task));
}

std::vector<std::string> app::get_topics() const {
  std::set<std::string> topics;
  for (auto& c : consumers_)
    topics.insert(c->topic);
  for (auto& p : producers_)
    topics.insert(p->topic);
  return {topics.begin(), topics.end()};
}

std::string app::default_group_id(std::string_view registration) const {
  std::string slug;
  for (char c : config_.title) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      slug += static_cast<char>(std::tolower(u));
    else if (!slug.empty() && slug.back() != '-')
      slug += '-';
  }
  while (!slug.empty() && slug.back() == '-')
    slug.pop_back();
  if (slug.empty())
    slug = "app";
  return "fastkafka." + slug + "." + std::string{registration};
}

void app::start(caf::actor_system& system, start_options options) {
  if (running_)
    return;
  if (options.bootstrap_servers.empty())
    throw config_error("no bootstrap servers: declare a broker in "
                       "kafka_brokers, pass --bootstrap-servers or set "
                       "FASTKAFKA_BOOTSTRAP_SERVERS");
  auto app_options = merge(config_.options, options.overrides);
  // Every problem at once, so that a misconfigured deployment needs one
  // round trip to fix.
  std::vector<std::string> problems;
  for (auto& p : validate(app_options))
    problems.push_back("app options: " + p);
  // Each client as it will be created: the app's options under the
  // registration's, so that rules spanning both (acks and idempotence,
  // heartbeat and session timeout) are checked too.
  for (auto& c : consumers_)
    for (auto& p :
         validate_client(merge(app_options, c->options), client_role::consumer))
      problems.push_back("consumes " + c->name + ": " + p);
  for (auto& p : producers_) {
    auto merged = merge(app_options, p->options);
    for (auto& msg : validate_client(merged, client_role::producer))
      problems.push_back("produces " + p->name + ": " + msg);
    if (merged.transactional_id)
      problems.push_back("produces " + p->name +
                         ": transactional_id is not supported yet: "
                         "exactly-once consume-produce needs "
                         "transactions around each batch, which the "
                         "runtime does not open; remove it (delivery is "
                         "at-least-once)");
  }
  if (!problems.empty()) {
    std::string text = "invalid configuration:";
    for (auto& p : problems)
      text += "\n  " + p;
    throw config_error(text);
  }
  // One plan (and client supervisor) per cluster address.
  std::map<std::string, cluster_plan> plans;
  auto address_of = [&](const std::optional<broker_map>& own) {
    if (options.override_all || !own || !own->contains(options.broker_name))
      return options.bootstrap_servers;
    return bootstrap_servers(own->at(options.broker_name));
  };
  auto plan_for = [&](const std::string& address) -> cluster_plan& {
    auto& plan = plans[address];
    if (plan.bootstrap_servers.empty()) {
      plan.broker_name = options.broker_name;
      plan.bootstrap_servers = address;
      plan.app_title = config_.title;
      plan.app_options = app_options;
      if (config_.oauth_tokens)
        plan.token_provider =
            std::make_shared<const oauth_token_provider>(config_.oauth_tokens);
    }
    return plan;
  };
  for (auto& c : consumers_) {
    auto& plan = plan_for(address_of(c->brokers));
    plan.consumers.push_back(c);
    if (c->options.group_id)
      plan.group_ids.push_back(*c->options.group_id);
    else if (app_options.group_id)
      plan.group_ids.push_back(*app_options.group_id);
    else
      plan.group_ids.push_back(default_group_id(c->name));
  }
  for (auto& p : producers_)
    plan_for(address_of(p->brokers)).producers.push_back(p);
  std::vector<cluster_plan> all_plans;
  for (auto& [address, plan] : plans)
    all_plans.push_back(std::move(plan));
  if (config_.lifespan.enter)
    config_.lifespan.enter();
  log().info("starting {} {} on broker {} ({})", config_.title, config_.version,
             options.broker_name, options.bootstrap_servers);
  auto sup = spawn_app_supervisor(system, std::move(all_plans));
  caf::scoped_actor self{system};
  caf::error failure;
  self->request(sup, caf::infinite, start_atom_v)
      .receive([](bool) {}, [&](caf::error& err) { failure = std::move(err); });
  if (failure) {
    caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
    auto text = "cannot start " + config_.title + ": " + system.render(failure);
    if (config_.lifespan.exit)
      config_.lifespan.exit();
    throw std::runtime_error(text);
  }
  running_ = std::make_unique<running>();
  running_->system = &system;
  running_->supervisor = sup;
  // Background tasks come after the consumers, so that what they produce
  // or wait for is already being handled.
  for (auto& [name, task] : tasks_) {
    auto actor = spawn_background_task(system, {name, task},
                                       running_->tasks_stop.get_token());
    caf::anon_send(actor, start_atom_v);
    running_->tasks.emplace_back(name, actor);
  }
  std::vector<benchmark_target> marked;
  for (auto& c : consumers_)
    if (c->benchmark)
      marked.push_back(
          {c->name, [h = c->handled] { return h->load(); }, *c->benchmark});
  for (auto& p : producers_)
    if (p->benchmark)
      marked.push_back(
          {p->name, [s = p->slot] { return s->sent.load(); }, *p->benchmark});
  if (!marked.empty())
    running_->benchmark = spawn_benchmark_actor(system, std::move(marked));
  log().info("{} started", config_.title);
  // Writes the AsyncAPI spec when a root path is set; never throws.
  running_->docs = start_docs(system, *this);
}

void app::stop() {
  if (!running_)
    return;
  auto r = std::move(running_);
  caf::scoped_actor self{*r->system};
  if (r->docs)
    caf::anon_send_exit(r->docs, caf::exit_reason::user_shutdown);
  if (r->benchmark)
    self->request(r->benchmark, caf::infinite, stop_atom_v)
        .receive([](bool) {}, [](caf::error&) {});
  // Background tasks stop first: they may still feed the producers.
  r->tasks_stop.request_stop();
  for (auto& [name, actor] : r->tasks) {
    log().info("background task {} cancelled", name);
    self->request(actor, caf::infinite, stop_atom_v)
        .receive([](bool) {}, [](caf::error&) {});
  }
  log().info("stopping {}: draining consumers, then flushing producers",
             config_.title);
  bool ok = false;
  self->request(r->supervisor, caf::infinite, stop_atom_v)
      .receive([&](bool res) { ok = res; },
               [&](caf::error& err) {
                 log().error("stopping {}: {}", config_.title,
                             r->system->render(err));
               });
  if (ok)
    log().info("{} stopped", config_.title);
  else
    log().error("{} stopped, but some output was not acknowledged",
                config_.title);
  if (config_.lifespan.exit)
    config_.lifespan.exit();
}

bool app::is_started() const noexcept {
  return running_ != nullptr;
}

caf::actor app::supervisor() const noexcept {
  return running_ ? caf::actor_cast<caf::actor>(running_->supervisor)
                  : caf::actor{};
}

} // namespace fastkafka
