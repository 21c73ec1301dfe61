#include "fastkafka/ops/settings.hpp"

#include <array>
#include <charconv>

#include "service_fields.hpp"

namespace fastkafka::ops {

namespace {

using namespace std::string_view_literals;

bool parse_int(std::string_view key, std::string_view value, int64_t min,
               int64_t max, std::optional<int64_t>& out, std::string& err) {
  int64_t v = 0;
  auto [ptr, ec] =
      std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || ptr != value.data() + value.size() || v < min ||
      v > max) {
    err = std::string{key} + " expects an integer from " + std::to_string(min) +
          " to " + std::to_string(max) + ", got \"" + std::string{value} + "\"";
    return false;
  }
  out = v;
  return true;
}

template <class Enum, size_t N>
bool parse_choice(std::string_view key, std::string_view value,
                  const std::array<std::pair<std::string_view, Enum>, N>& map,
                  std::optional<Enum>& out, std::string& err) {
  std::string names;
  for (auto& [name, e] : map) {
    if (name == value) {
      out = e;
      return true;
    }
    names += names.empty() ? "" : ", ";
    names += name;
  }
  err = std::string{key} + " expects one of " + names + ", got \"" +
        std::string{value} + "\"";
  return false;
}

bool parse_text(std::string_view key, std::string_view value,
                std::optional<std::string>& out, std::string& err) {
  if (value.empty()) {
    err = std::string{key} + " must not be empty";
    return false;
  }
  out = std::string{value};
  return true;
}

constexpr std::array log_levels{"trace"sv, "debug"sv,    "info"sv, "warn"sv,
                                "error"sv, "critical"sv, "off"sv};

constexpr std::array log_formats{std::pair{"text"sv, log_encoding::text},
                                 std::pair{"json"sv, log_encoding::json}};

constexpr std::array deliveries{
    std::pair{"at_least_once"sv, delivery_guarantee::at_least_once},
    std::pair{"exactly_once"sv, delivery_guarantee::exactly_once}};

constexpr int64_t max_port = 65535;
constexpr int64_t hour_ms = 3600000;

constexpr std::array table{
    service_setting_info{"kafka_broker", "FASTKAFKA_KAFKA_BROKER",
                         "which declared broker set to use"},
    service_setting_info{"bootstrap_servers", "FASTKAFKA_BOOTSTRAP_SERVERS",
                         "host:port,... replacing every broker address"},
    service_setting_info{"stop_timeout_ms", "FASTKAFKA_STOP_TIMEOUT_MS",
                         "longest a stop (drain, commit, flush) may take"},
    service_setting_info{"metrics.bind", "FASTKAFKA_METRICS_BIND",
                         "address of the metrics and health server"},
    service_setting_info{"metrics.port", "FASTKAFKA_METRICS_PORT",
                         "port of the metrics and health server (0: any)"},
    service_setting_info{"stats.bind", "FASTKAFKA_STATS_BIND",
                         "address of the stats endpoint"},
    service_setting_info{"stats.port", "FASTKAFKA_STATS_PORT",
                         "port of the stats endpoint (0: any)"},
    service_setting_info{"log.level", "FASTKAFKA_LOG_LEVEL",
                         "trace, debug, info, warn, error, critical or off"},
    service_setting_info{"log.format", "FASTKAFKA_LOG_FORMAT", "text or json"},
    service_setting_info{"delivery", "FASTKAFKA_DELIVERY",
                         "at_least_once or exactly_once"},
    service_setting_info{"workers", "FASTKAFKA_WORKERS",
                         "worker processes under run --workers"},
    service_setting_info{"health.stall_timeout_ms",
                         "FASTKAFKA_HEALTH_STALL_TIMEOUT_MS",
                         "how long a consumer may handle nothing while its "
                         "lag grows before it is not ready"},
};

} // namespace

std::span<const service_setting_info> service_setting_table() noexcept {
  return table;
}

bool set_service_setting(service_settings& s, std::string_view key,
                         std::string_view value, std::string& err) {
  if (key == "kafka_broker")
    return parse_text(key, value, s.kafka_broker, err);
  if (key == "bootstrap_servers")
    return parse_text(key, value, s.bootstrap_servers, err);
  if (key == "stop_timeout_ms")
    return parse_int(key, value, 1, hour_ms, s.stop_timeout_ms, err);
  if (key == "metrics.bind")
    return parse_text(key, value, s.metrics_bind, err);
  if (key == "metrics.port")
    return parse_int(key, value, 0, max_port, s.metrics_port, err);
  if (key == "stats.bind")
    return parse_text(key, value, s.stats_bind, err);
  if (key == "stats.port")
    return parse_int(key, value, 0, max_port, s.stats_port, err);
  if (key == "log.level") {
    for (auto level : log_levels)
      if (level == value) {
        s.log_level = std::string{value};
        return true;
      }
    err = "log.level expects one of trace, debug, info, warn, error, "
          "critical, off, got \"" +
          std::string{value} + "\"";
    return false;
  }
  if (key == "log.format")
    return parse_choice(key, value, log_formats, s.log_format, err);
  if (key == "delivery")
    return parse_choice(key, value, deliveries, s.delivery, err);
  if (key == "workers")
    return parse_int(key, value, 1, 1024, s.workers, err);
  if (key == "health.stall_timeout_ms")
    return parse_int(key, value, 1, 24 * hour_ms, s.stall_timeout_ms, err);
  err = "unknown setting \"" + std::string{key} + "\"";
  return false;
}

resolved_settings resolve_settings(const settings_layer& code,
                                   const settings_layer& file,
                                   const settings_layer& environment,
                                   const settings_layer& command_line) {
  service_settings s;
  resolved_settings out;
  // Lowest first: each later layer overwrites what it sets.
  for (auto* layer : {&code, &file, &environment, &command_line}) {
    detail::for_each_service_field(
        s, layer->service, [](const char*, auto& base, const auto& top) {
          if (top)
            base = top;
        });
    out.options = merge(out.options, layer->options);
    for (auto& [name, opts] : layer->registrations)
      out.registrations[name] = merge(out.registrations[name], opts);
    for (auto& [key, origin] : layer->origins)
      out.origins[key] = origin;
  }
  out.kafka_broker = s.kafka_broker.value_or("");
  out.bootstrap_servers = s.bootstrap_servers.value_or("");
  out.stop_timeout = std::chrono::milliseconds{
      s.stop_timeout_ms.value_or(default_stop_timeout.count())};
  if (s.metrics_port)
    out.metrics = listen_address{s.metrics_bind.value_or("0.0.0.0"),
                                 static_cast<uint16_t>(*s.metrics_port)};
  if (s.stats_port)
    out.stats = listen_address{s.stats_bind.value_or("127.0.0.1"),
                               static_cast<uint16_t>(*s.stats_port)};
  out.log_level = s.log_level.value_or("info");
  out.log_format = s.log_format.value_or(log_encoding::text);
  out.delivery = s.delivery.value_or(delivery_guarantee::at_least_once);
  // The service setting is the app-wide `delivery` option (it beats one
  // given under `options:`); a registration's own value still wins.
  if (s.delivery)
    out.options.delivery = *s.delivery == delivery_guarantee::exactly_once
                               ? "exactly_once"
                               : "at_least_once";
  out.workers = static_cast<int>(s.workers.value_or(0));
  out.stall_timeout =
      std::chrono::milliseconds{s.stall_timeout_ms.value_or(60000)};
  return out;
}

} // namespace fastkafka::ops
