#include "fastkafka/kafka/config.hpp"

namespace fastkafka::kafka {

conf_ptr
make_conf(const std::vector<std::pair<std::string, std::string>>& properties,
          std::string& err) {
  conf_ptr conf{rd_kafka_conf_new()};
  char buf[512];
  for (auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), buf,
                          sizeof(buf)) != RD_KAFKA_CONF_OK) {
      // librdkafka's reason names the property; the value is shown unless
      // it is a secret.
      err = "librdkafka rejected " + key + "=" +
            (is_secret_option(key) ? std::string{"*****"} : value) + ": " + buf;
      return nullptr;
    }
  }
  return conf;
}

kafka_ptr make_client(rd_kafka_type_t type, conf_ptr conf, std::string& err) {
  char buf[512];
  // rd_kafka_new takes ownership of the configuration only on success.
  kafka_ptr rk{rd_kafka_new(type, conf.get(), buf, sizeof(buf))};
  if (!rk) {
    err = std::string{"cannot create a Kafka "} +
          (type == RD_KAFKA_CONSUMER ? "consumer" : "producer") + ": " + buf;
    return nullptr;
  }
  conf.release();
  return rk;
}

bool wants_debug(
    const std::vector<std::pair<std::string, std::string>>& properties) {
  for (auto& [key, value] : properties)
    if (key == "debug" && !value.empty())
      return true;
  return false;
}

} // namespace fastkafka::kafka
