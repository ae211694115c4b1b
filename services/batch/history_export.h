// history_export: the importer's inverse. Writes a database's posts with
// their hourly counters as import lines (importer.h's format; each cell at
// the start of its hour) and its author records as Author lines, for the
// authors one shard slice owns. `reachrank import` of them into another
// database rebuilds the same hourly post counters and, from them, the
// same author and topic day rows: how authors move to a new shard.
#ifndef REACHRANK_SERVICES_BATCH_HISTORY_EXPORT_H_
#define REACHRANK_SERVICES_BATCH_HISTORY_EXPORT_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "base/shard.h"
#include "storage/store.h"

namespace reachrank::batch {

struct HistoryExportSummary {
  int64_t posts = 0;    // import lines written
  int64_t cells = 0;    // counts written over all posts
  int64_t authors = 0;  // Author lines written
};

// One import line for `post`, its counts from `hours` (PostHours) at each
// hour's start; watch time rides on the VIEW cell of its surface and
// relation.
std::string HistoryLine(const v1::Post& post,
                        const std::vector<storage::HourCounters>& hours,
                        int64_t* cells);

// Writes the import lines of every post whose author `shard` owns to
// `posts`, and when `authors` is not null the records of those authors to
// it. Posts in key order. Errors: the store's, or the streams' (INTERNAL).
absl::StatusOr<HistoryExportSummary> ExportHistory(storage::Store& store,
                                                   const ShardSlice& shard,
                                                   std::ostream& posts,
                                                   std::ostream* authors);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_HISTORY_EXPORT_H_
