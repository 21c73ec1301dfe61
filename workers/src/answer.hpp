#pragma once

// How a stats request that did not get a report is written down: a member
// row whose status and reason say what happened, never an exception.

#include <string>

#include "caf/error.hpp"

#include "fastkafka/stats_report.hpp"

namespace fastkafka::workers {

/// The status a failed request stands for: a timeout, a peer that went
/// away or cannot be reached, a peer that does not speak the protocol, or
/// an error it answered with.
member_status status_of(const caf::error& err);

/// A row for a member that gave no report: `status_of(err)` and `reason`
/// (a sentence naming what was asked and what came back).
member_report failed_member(const caf::error& err, std::string reason);

} // namespace fastkafka::workers
