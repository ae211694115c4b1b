// Point-in-time training rows read from a reachrank database, for
// `reachrank train --db` and `reachrank export` (train_command.cc).
#ifndef REACHRANK_SERVICES_CLI_STORE_ROWS_H_
#define REACHRANK_SERVICES_CLI_STORE_ROWS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ranking/label.h"
#include "ranking/training_rows.h"

namespace reachrank::cli {

// Where the rows come from. A plain value type.
struct StoreRowsFlags {
  // Database directories, one per shard (each opened as a read-only
  // secondary); their rows are merged by time.
  std::vector<std::string> dbs;
  std::string authors;  // file: one "platform author_id" per line; empty:
                        // every author with a record
  std::string labels;   // label config JSON (ranking/label.h); empty: defaults
  // RFC 3339, or YYYY-MM-DD for its midnight UTC (both below).
  std::string cutoff;  // posts whose horizon ended by then; empty: now
  std::string since;   // posts created before it are left out; empty: no
                       // start (must be before the cutoff)
  // Hours after creation at which each post's live rows are taken; empty:
  // ranking::DefaultLiveAges.
  std::vector<double> live_ages_hours;
  // RocksDB block cache while the rows are read, MiB (> 0). A smaller one
  // lowers peak memory and slows the read (docs/operations.md).
  int block_cache_mb = 256;
  // Threads reading the rows (0: one per core); the rows do not depend on
  // it.
  int threads = 0;
};

// Parses an authors file: per line a platform and an author id separated by
// a comma, tab or spaces; blank lines and lines starting with '#' are
// skipped. INVALID_ARGUMENT naming the line otherwise.
absl::StatusOr<std::vector<ranking::AuthorRef>> ParseAuthors(
    const std::string& text, const std::string& source);

// The label configs the flags name (built-in defaults without --labels).
absl::StatusOr<ranking::LabelConfigs> LoadLabels(const StoreRowsFlags& flags);

// Opens each of flags.dbs as a secondary in a temporary directory (removed
// again) and builds the draft and live rows of every post of the listed
// authors (without an authors file: of every author with a record) that it
// holds; several databases' rows are merged by time (MergeTrainingRows).
// Calls `progress` (may be empty) as posts are read, counting over the
// databases read so far.
absl::StatusOr<ranking::TrainingRows> ReadStoreRows(
    const StoreRowsFlags& flags,
    std::function<void(size_t done, size_t total)> progress = {});

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_STORE_ROWS_H_
