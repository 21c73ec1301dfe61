#pragma once

// The app whose AsyncAPI docs the docs example and tests show: nested
// models, an enum, field constraints and examples, two named brokers (one
// behind SASL_SSL), two consumers of one topic with keys and headers, an
// Avro consumer, a producer with a key, a raw-bytes consumer, and the
// dead-letter topics of all consumers.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include "fastkafka/app.hpp"
#include "fastkafka/codecs/avro.hpp"

namespace docs_demo {

/// Where an order is in its life.
enum class OrderStatus { created, paid, shipped };
BOOST_DESCRIBE_ENUM(OrderStatus, created, paid, shipped)

/// One line of an order (a nested model).
struct LineItem {
  std::string sku;
  int32_t quantity = 0;
  double unit_price = 0;
};
BOOST_DESCRIBE_STRUCT(LineItem, (), (sku, quantity, unit_price))

// Constraints and docs sit next to the model, found by ADL.
inline fastkafka::json_model<LineItem> describe_json(LineItem*) {
  return fastkafka::json_model<LineItem>{}
      .description("One product and how many of it")
      .field(&LineItem::sku,
             {.pattern = "^[A-Z]{3}-[0-9]{4}$", .description = "Stock unit"})
      .field(&LineItem::quantity, {.ge = 1, .le = 1000})
      .field(&LineItem::unit_price, {.gt = 0, .description = "In EUR"});
}

/// An order as the shop front writes it to `shop.orders`.
struct Order {
  int64_t order_id = 0;
  std::string customer;
  std::vector<LineItem> items;
  OrderStatus status = OrderStatus::created;
  std::optional<std::string> note;
};
BOOST_DESCRIBE_STRUCT(Order, (), (order_id, customer, items, status, note))

inline fastkafka::json_model<Order> describe_json(Order*) {
  return fastkafka::json_model<Order>{}
      .description("A customer's order")
      .field(&Order::customer, {.min_length = 1, .max_length = 64})
      .field(&Order::items, {.min_length = 1})
      .example(Order{.order_id = 42,
                     .customer = "ada",
                     .items = {{"ABC-0001", 2, 9.5}},
                     .status = OrderStatus::created,
                     .note = "leave at the door"});
}

/// What the app sends back for each valid order.
struct OrderConfirmation {
  int64_t order_id = 0;
  OrderStatus status = OrderStatus::paid;
  double total = 0;
  std::chrono::system_clock::time_point confirmed_at;
};
BOOST_DESCRIBE_STRUCT(OrderConfirmation, (),
                      (order_id, status, total, confirmed_at))

inline fastkafka::json_model<OrderConfirmation>
describe_json(OrderConfirmation*) {
  return fastkafka::json_model<OrderConfirmation>{}
      .description("The order was accepted")
      .field(&OrderConfirmation::total, {.ge = 0})
      .example(OrderConfirmation{.order_id = 42,
                                 .status = OrderStatus::paid,
                                 .total = 19,
                                 .confirmed_at = std::chrono::sys_days{
                                     std::chrono::year{2024} / 1 / 2}});
}

// [snippet:config]
/// Two named brokers: a local one, and production behind SASL_SSL. The
/// security entry only describes the scheme; credentials stay in client
/// options (e.g. `--set librdkafka.sasl.password=...`), which the docs never
/// read.
inline fastkafka::app_config config() {
  fastkafka::broker_security scram{.protocol = "SASL_SSL",
                                   .sasl_mechanism = "SCRAM-SHA-512",
                                   .description =
                                       "Ask the platform team for an account"};
  return {
      .title = "Order Service",
      .description = "Confirms the orders of the shop",
      .version = "1.2.0",
      .contact = fastkafka::contact_info{.name = "Shop team",
                                         .url = "https://shop.example.com",
                                         .email = "shop@example.com"},
      .kafka_brokers =
          {{"localhost",
            {{.url = "localhost",
              .port = 9092,
              .description = "Local development broker"}}},
           {"production",
            {{.url = "kafka-1.shop.example.com",
              .port = 9093,
              .description = "Production cluster, first bootstrap broker",
              .security = scram},
             {.url = "kafka-2.shop.example.com",
              .port = 9093,
              .description = "Production cluster, second bootstrap broker",
              .security = scram}}}},
  };
}
// [snippet:config]

// [snippet:install]
/// Registers the app's consumers and producer on `app`.
inline void install(fastkafka::app& app) {
  // Keys and headers are declared for the docs; both consumers of
  // `shop.orders` declare the same, so the topic has one message.
  auto order_key = fastkafka::key_schema<std::string>(
      "The customer: one customer's orders stay in order");
  std::vector<fastkafka::header_info> order_headers{
      {"traceparent", "W3C trace context of the shop front's request"}};
  auto to_confirmations = app.produces<OrderConfirmation>(
      "to_confirmations",
      {.topic = "shop.confirmations",
       .description = "One confirmation per accepted order",
       .key = fastkafka::key_schema<std::int64_t>("The order id, in decimal")});
  app.consumes<Order>("on_orders",
                      [to_confirmations](const Order& order) {
                        double total = 0;
                        for (auto& item : order.items)
                          total += item.quantity * item.unit_price;
                        to_confirmations(fastkafka::event<OrderConfirmation>{
                            {order.order_id, OrderStatus::paid, total,
                             std::chrono::system_clock::now()},
                            std::to_string(order.order_id)});
                      },
                      {.topic = "shop.orders",
                       .description = "Prices each new order and confirms it",
                       .key = order_key,
                       .headers = order_headers});
  // A second consumer of the same topic, in its own consumer group: it
  // sees every order too. Its dead letters share `shop.orders.dlq`.
  app.consumes<Order>("audit_orders", [](const Order&) {},
                      {.topic = "shop.orders",
                       .description = "Keeps an audit trail of every order",
                       .key = order_key,
                       .headers = order_headers});
  // The same model in Avro from a partner: the docs show its Avro schema.
  // Records it cannot take go to a dead-letter topic of its own.
  app.consumes<Order>("on_partner_orders", [](const Order&) {},
                      {.topic = "partner.orders",
                       .description = "Orders a partner shop sends in Avro",
                       .key = order_key,
                       .decoder = fastkafka::avro_codec<Order>(),
                       .dead_letter_topic = "partner.orders.rejected"});
  // A payload without a schema: the docs show it as bytes.
  app.consumes<std::string>(
      "on_audit", [](const std::string&) {},
      {.topic = "shop.audit",
       .description = "Free-text audit lines from the shop front",
       .decoder = fastkafka::raw_codec()});
}
// [snippet:install]

} // namespace docs_demo
