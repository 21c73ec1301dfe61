#include "fastkafka/workers/collector.hpp"

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/io/middleman.hpp"
#include "caf/scoped_actor.hpp"

#include "fastkafka/workers/stats_actor.hpp"

#include "answer.hpp"

namespace fastkafka::workers {

namespace {

using namespace std::chrono_literals;

stats_report one_row(member_report m) {
  stats_report r;
  r.members.push_back(std::move(m));
  return r;
}

// Asks one endpoint; always answers with a report (rows for failures) and
// quits.
caf::behavior probe(caf::event_based_actor* self, endpoint where,
                    collect_options options) {
  return {
      [=](stats_atom) {
        auto rp = self->make_response_promise<stats_report>();
        auto fail = [=](const caf::error& err,
                        const std::string& what) mutable {
          rp.deliver(one_row(
              failed_member(err, what + ": " + self->system().render(err))));
          self->quit();
        };
        auto mm = self->system().middleman().actor_handle();
        self->request(mm, options.connect_timeout, caf::connect_atom::value,
                      where.host, where.port)
            .then(
                [=](const caf::node_id&, caf::strong_actor_ptr& ptr,
                    const std::set<std::string>&) mutable {
                  if (!ptr) {
                    fail(caf::make_error(caf::sec::no_actor_published_at_port),
                         "no actor is published there");
                    return;
                  }
                  auto stats = caf::actor_cast<stats_actor>(ptr);
                  self->request(stats, options.request_timeout, hello_atom_v)
                      .then(
                          [=](uint32_t version) mutable {
                            if (version != stats_protocol_version) {
                              member_report m;
                              m.status = member_status::version_mismatch;
                              m.version = version;
                              m.reason =
                                  "it speaks stats protocol " +
                                  std::to_string(version) + ", this program " +
                                  std::to_string(stats_protocol_version) +
                                  ": use the same fastkafka version";
                              rp.deliver(one_row(std::move(m)));
                              self->quit();
                              return;
                            }
                            self->request(stats, options.request_timeout,
                                          stats_atom_v)
                                .then(
                                    [=](stats_report& r) mutable {
                                      rp.deliver(std::move(r));
                                      self->quit();
                                    },
                                    [=](caf::error& err) mutable {
                                      fail(err, "no report");
                                    });
                          },
                          [=](caf::error& err) mutable {
                            fail(err, "no answer to the version request");
                          });
                },
                [=](caf::error& err) mutable {
                  if (status_of(err) != member_status::unreachable) {
                    fail(err, "cannot connect");
                    return;
                  }
                  // CAF says only that ip_connect failed: refused, no
                  // route, or the host is down.
                  auto m = failed_member(err, "nothing accepts connections "
                                              "there (not running, or the "
                                              "host is down)");
                  rp.deliver(one_row(std::move(m)));
                  self->quit();
                });
        return rp;
      },
  };
}

} // namespace

std::vector<member_report> collect(caf::actor_system& sys,
                                   const std::vector<endpoint>& where,
                                   const collect_options& options) {
  caf::scoped_actor self{sys};
  // Each probe bounds itself; this only guards against a probe that died.
  auto bound = options.connect_timeout + 2 * options.request_timeout + 1s;
  std::vector<caf::actor> probes;
  for (auto& e : where)
    probes.push_back(sys.spawn(probe, e, options));
  std::vector<member_report> out;
  for (size_t i = 0; i < probes.size(); ++i) {
    stats_report report;
    self->request(probes[i], bound, stats_atom_v)
        .receive([&](stats_report& r) { report = std::move(r); },
                 [&](caf::error& err) {
                   report = one_row(
                       failed_member(err, "no answer: " + sys.render(err)));
                 });
    if (report.members.empty()) {
      member_report m;
      m.status = member_status::not_registered;
      m.reason = "it reports no workers";
      report.members.push_back(std::move(m));
    }
    for (auto& m : report.members) {
      m.endpoint = where[i].text();
      out.push_back(std::move(m));
    }
  }
  return out;
}

} // namespace fastkafka::workers
