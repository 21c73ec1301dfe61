#include "fastkafka/app.hpp"

#include <cctype>
#include <set>

#include "fastkafka/retry_topic.hpp"

namespace fastkafka {

app::app(app_config config)
    : config_(std::move(config)) {
  if (!config_.contact)
    config_.contact = contact_info{};
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

std::vector<detail::consumer_spec>
app::retry_stages(const detail::consumer_spec& spec) {
  std::vector<detail::consumer_spec> out;
  std::set<std::string> topics;
  auto& delays = spec.retry.topics;
  for (size_t i = 0; i < delays.size(); ++i) {
    auto delay = delays[i];
    if (delay.count() <= 0)
      throw config_error("consumes " + spec.name +
                         ": a retry topic's delay must be positive (stage " +
                         std::to_string(i + 1) + " has " +
                         std::to_string(delay.count()) + " ms)");
    auto topic = retry_topic_name(spec.topic, delay);
    if (!topics.insert(topic).second)
      throw config_error("consumes " + spec.name + ": two retry stages are " +
                         topic + "; give each stage its own delay");
    detail::consumer_spec stage;
    stage.name = spec.name + ".retry." + delay_name(delay);
    stage.topic = std::move(topic);
    stage.description = "Retries of `" + spec.topic + "` for `" + spec.name +
                        "`, each tried once " + delay_name(delay) +
                        " after it arrived.";
    stage.codec_name = spec.codec_name;
    stage.content_type = spec.content_type;
    stage.schema = spec.schema;
    stage.schema_format = spec.schema_format;
    stage.codec_schema = spec.codec_schema;
    stage.key = spec.key;
    stage.headers = spec.headers;
    stage.dead_letter_topic = spec.dead_letter_topic;
    stage.options = spec.options;
    // A stage is itself the retry: one try each, then the next stage.
    stage.retry = spec.retry;
    stage.retry.max_attempts = 1;
    stage.retry_of = spec.name;
    stage.retry_stage = static_cast<int>(i) + 1;
    stage.origin_topic = spec.topic;
    stage.exec = spec.exec;
    stage.max_in_flight = spec.max_in_flight;
    stage.brokers = spec.brokers;
    stage.handled = spec.handled;
    stage.observer = spec.observer;
    stage.codec = spec.codec;
    stage.value_type = spec.value_type;
    out.push_back(std::move(stage));
  }
  return out;
}

void app::add_consumer(detail::consumer_spec spec,
                       std::vector<detail::consumer_spec> retry_stages) {
  check_broker_names("consumes", spec.name, spec.brokers,
                     config_.kafka_brokers);
  if (running_ > 0)
    throw config_error("consumes " + spec.name +
                       ": register handlers before the app starts");
  for (auto& c : consumers_) {
    if (c->name == spec.name)
      throw config_error("consumes " + spec.name +
                         ": a consumer of that name exists already");
    for (auto& stage : retry_stages)
      if (c->name == stage.name)
        throw config_error("consumes " + spec.name + ": its retry consumer " +
                           stage.name + " has the name of a consumer");
  }
  consumers_.push_back(
      std::make_shared<const detail::consumer_spec>(std::move(spec)));
  for (auto& stage : retry_stages)
    consumers_.push_back(
        std::make_shared<const detail::consumer_spec>(std::move(stage)));
}

void app::add_producer(detail::producer_spec spec) {
  check_broker_names("produces", spec.name, spec.brokers,
                     config_.kafka_brokers);
  if (running_ > 0)
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
  if (running_ > 0)
    throw config_error("run_in_background " + name +
                       ": add background tasks before the app starts");
  for (auto& t : tasks_)
    if (t.name == name)
      throw config_error("run_in_background " + name +
                         ": a background task of that name exists already");
  tasks_.push_back({std::move(name), std::move(task)});
}

std::vector<std::string> app::get_topics() const {
  std::set<std::string> topics;
  for (auto& c : consumers_)
    topics.insert(c->topic);
  for (auto& p : producers_)
    topics.insert(p->topic);
  return {topics.begin(), topics.end()};
}

std::vector<std::string> app::dead_letter_topics() const {
  std::set<std::string> topics;
  for (auto& c : consumers_)
    topics.insert(c->dead_letter_topic);
  return {topics.begin(), topics.end()};
}

std::string app::group_id(const detail::consumer_spec& spec,
                          const client_options& app_options) const {
  if (!spec.retry_of.empty()) {
    auto own = spec;
    own.name = spec.retry_of;
    own.retry_of.clear();
    return group_id(own, app_options) +
           spec.topic.substr(spec.origin_topic.size());
  }
  if (spec.options.group_id)
    return *spec.options.group_id;
  if (app_options.group_id)
    return *app_options.group_id + "." + spec.name;
  return default_group_id(spec.name);
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

} // namespace fastkafka
