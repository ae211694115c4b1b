// Point-in-time training rows from the store: for every post whose label
// horizon has passed by a cutoff, its draft row as of created_at and its
// live rows as of created_at + each of live_ages, all from the one feature extractor
// that serves, with the label of the post's platform (ranking/label.h).
#ifndef REACHRANK_RANKING_TRAINING_ROWS_H_
#define REACHRANK_RANKING_TRAINING_ROWS_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ranking/label.h"
#include "ranking/train/training_set.h"
#include "storage/store.h"

namespace reachrank::ranking {

struct TrainingRowsOptions {
  // Posts with created_at + horizon <= cutoff are used.
  absl::Time cutoff;
  // Posts created before it are not used: the start of the training
  // window, which bounds a run's rows (and memory) on a long history.
  absl::Time since = absl::InfinitePast();
  // A live row is taken this long after created_at, one per age (in this
  // order); each must be positive and shorter than the label horizon.
  // Empty: DefaultLiveAges(labels).
  std::vector<absl::Duration> live_ages;
  LabelConfigs labels;
  // Posts read per author (newest first before the horizon cutoff).
  size_t max_posts_per_author = 100000;
  // Threads reading posts, each a chunk of 512 at a time (0: one per
  // core). The rows do not depend on it.
  size_t threads = 1;
  // Called (on the calling thread) after each round of chunks with the
  // posts read so far and their total; may be empty.
  std::function<void(size_t done, size_t total)> progress;
};

// The rows of both feature sets, in created_at order: row i of `draft` is
// post_ids[i]; `live` holds options.live_ages.size() rows per post, rows
// k * i .. k * i + k - 1 for post i, one per age in order. times =
// created_at; labels 0/1.
struct TrainingRows {
  TrainingSet draft;
  TrainingSet live;
  std::vector<std::string> post_ids;
  std::vector<absl::Duration> live_ages;  // the ages of each post's rows
  // The longest label horizon of the rows' label configs: how long after
  // a row's time its label settles (TrainOptions::label_horizon).
  absl::Duration label_horizon = absl::ZeroDuration();
};

// The live model scores posts of any age (Rank's candidates, Score of a
// post id), so it learns from rows at several: 1, 2, 6, 24 and 72 hours
// after creation, those shorter than labels.ShortestHorizon().
std::vector<absl::Duration> DefaultLiveAges(const LabelConfigs& labels);

// An account to read posts of.
struct AuthorRef {
  std::string platform;
  std::string author_id;
};

// Rows for the given posts (unknown ids, posts created before
// options.since and posts whose horizon has not passed are skipped),
// ordered by created_at. Each id must be given once. Errors come from the
// store. Not for concurrent use with the same `store` writes in flight
// expecting a snapshot (the rows read what the store holds at the time).
absl::StatusOr<TrainingRows> BuildTrainingRows(
    storage::Store& store, absl::Span<const std::string> post_ids,
    const TrainingRowsOptions& options);

// Rows for every post of the given accounts (enumerated through
// Store::AuthorPosts; an account listed twice counts once), ordered by
// created_at.
absl::StatusOr<TrainingRows> BuildTrainingRowsForAuthors(
    storage::Store& store, absl::Span<const AuthorRef> authors,
    const TrainingRowsOptions& options);

// The rows of several databases (one per shard) as one set: every part's
// posts, ordered by created_at (posts of the same moment in part order),
// each post with its own live rows. The parts are consumed. INVALID_ARGUMENT
// when there is no part or their feature names or live ages differ;
// FAILED_PRECONDITION naming a post that two parts hold (the same database
// given twice, or copies that overlap).
absl::StatusOr<TrainingRows> MergeTrainingRows(std::vector<TrainingRows> parts);

// Every author with a record (Store::ListAuthors, in key order). Authors
// whose posts were stored without a record are not listed. Errors come from
// the store.
absl::StatusOr<std::vector<AuthorRef>> ListAllAuthors(storage::Store& store);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TRAINING_ROWS_H_
