// Loads a config file through the loader and prints what it resolved to as
// JSON, so that the deploy checks compare the manifests with the code:
//
//   ops-config-check FILE [REGISTRATION...]   # resolved settings
//   ops-config-check --keys                    # every key the loader accepts
//
// Exit code 2 and the loader's message on stderr for a file it rejects.
#include <iostream>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "fastkafka/errors.hpp"
#include "fastkafka/ops/config_file.hpp"
#include "fastkafka/ops/settings.hpp"

using namespace fastkafka::ops;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ops-config-check FILE [REGISTRATION...] | --keys\n";
    return 2;
  }
  if (std::string_view{argv[1]} == "--keys") {
    for (auto& k : config_file_keys())
      std::cout << k << '\n';
    return 0;
  }
  std::vector<std::string> regs{argv + 2, argv + argc};
  try {
    auto file =
        load_config_file(argv[1], regs.empty() ? registration_names{}
                                               : registration_names{regs});
    auto r = resolve_settings({}, file, {}, {});
    boost::json::object out;
    auto listener = [](const std::optional<listen_address>& a) {
      boost::json::value v;
      if (a)
        v = boost::json::object{{"bind", a->bind}, {"port", a->port}};
      return v;
    };
    out["metrics"] = listener(r.metrics);
    out["stats"] = listener(r.stats);
    out["stop_timeout_ms"] = r.stop_timeout.count();
    out["stall_timeout_ms"] = r.stall_timeout.count();
    out["log_level"] = r.log_level;
    out["workers"] = r.workers;
    out["kafka_broker"] = r.kafka_broker;
    out["bootstrap_servers"] = r.bootstrap_servers;
    boost::json::array names;
    for (auto& [name, opts] : r.registrations)
      names.emplace_back(name);
    out["registrations"] = std::move(names);
    std::cout << boost::json::serialize(out) << '\n';
    return 0;
  } catch (const fastkafka::config_error& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
}
