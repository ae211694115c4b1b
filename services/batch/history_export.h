// history_export: the importer's inverse. Writes a database's posts with
// their hourly counters as import lines (importer.h's format; each cell at
// the start of its hour) and its author records as Author lines, for the
// authors one shard slice owns. `reachrank import` of them into another
// database rebuilds the same hourly post counters and, from them, the
// same author and topic day rows: how authors move to a new shard.
#ifndef REACHRANK_SERVICES_BATCH_HISTORY_EXPORT_H_
#define REACHRANK_SERVICES_BATCH_HISTORY_EXPORT_H_

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "base/shard.h"
#include "storage/store.h"

namespace reachrank::batch {

struct HistoryExportSummary {
  int64_t posts = 0;    // posts written (one import line each, or more)
  int64_t cells = 0;    // counts written over all posts
  int64_t authors = 0;  // Author lines written
};

// The import lines for `post`, its counts from `hours` (PostHours) at each
// hour's start; watch time rides on the VIEW cell of its surface and
// relation. Usually one line; a post with more counts than `reachrank
// import` takes in one line (1 MiB, 10,000 events) is written as several,
// each with the post and a part of the counts. Adds the counts to *cells.
// A duration on a post that is not a video (stored before the rule that
// refuses it) is written as 0, so that import accepts the line.
std::vector<std::string> HistoryLines(
    const v1::Post& post, const std::vector<storage::HourCounters>& hours,
    int64_t* cells);

// The hours (since the Unix epoch) whose counts an export writes:
// [from, before). Two exports split at one hour carry each count once, so
// authors can move while their old shard still takes events: export the
// closed hours first, switch, then export the rest (docs/operations.md
// "Routing").
struct HourRange {
  int32_t from = std::numeric_limits<int32_t>::min();
  int32_t before = std::numeric_limits<int32_t>::max();
  bool Contains(int32_t hour) const { return from <= hour && hour < before; }
};

// Writes the import lines of every post whose author `shard` owns to
// `posts` (each with its counts of the hours in `hours`), and when
// `authors` is not null the records of those authors to it. Posts in key
// order. Errors: the store's, or the streams' (INTERNAL).
absl::StatusOr<HistoryExportSummary> ExportHistory(
    storage::Store& store, const ShardSlice& shard, std::ostream& posts,
    std::ostream* authors, const HourRange& hours = {});

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_HISTORY_EXPORT_H_
