#pragma once

// The deployment as text: one table with a row per member and
// registration, then one with a row per assigned partition. `status`
// prints it once, `top` redraws it.

#include <cstddef>
#include <string>
#include <vector>

#include "fastkafka/stats_report.hpp"

namespace fastkafka::workers {

/// What the table shows.
struct table_options {
  /// The partition table below the main one.
  bool partitions = true;
  /// Cut every line to this many characters; 0 for no limit.
  size_t width = 0;
};

/// One line: members and how many answered, messages per second handled
/// over all workers (last interval), and the total lag.
std::string render_summary(const std::vector<member_report>& members);

/// The main table and, when asked, the partition table; lines end in '\n'.
///
/// Columns: ENDPOINT, W (worker index), PID, STATE (runtime state, "no
/// broker" while every connection is down, process restarts), REGISTRATION,
/// PARTS (assigned partitions), HANDLED, PRODUCED (acknowledged), FAILED,
/// DLQ (dead-lettered), RATE/s (last interval), AVG/s (sliding window), LAG
/// (sum over the partitions), RESTARTS (of the registration's actor). A
/// member without a report is one row: its status and why.
std::string render_table(const std::vector<member_report>& members,
                         const table_options& options = {});

/// Assigned partitions as ranges: `0-3,6`.
std::string partition_ranges(std::vector<int32_t> partitions);

} // namespace fastkafka::workers
