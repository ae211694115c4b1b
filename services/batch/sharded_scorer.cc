#include "services/batch/sharded_scorer.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/shard.h"

namespace reachrank::batch {
namespace {

using Results = std::vector<absl::StatusOr<v1::ReachScore>>;

// The drafts of one shard and where they sit in the batch.
struct Part {
  std::vector<v1::Draft> drafts;
  std::vector<size_t> positions;
  absl::StatusOr<Results> results = Results();
};

// The status a batch fails with: the first failure that is not
// INVALID_ARGUMENT, else the first failure; OK when every part scored.
absl::Status Worst(const std::vector<Part>& parts,
                   const std::vector<Shard>& shards) {
  absl::Status chosen;
  for (size_t i = 0; i < parts.size(); ++i) {
    const absl::Status& s = parts[i].results.status();
    if (s.ok()) continue;
    const bool worse =
        chosen.ok() || (chosen.code() == absl::StatusCode::kInvalidArgument &&
                        s.code() != absl::StatusCode::kInvalidArgument);
    if (!worse) continue;
    chosen = absl::Status(s.code(), absl::StrCat("shard ", i, " (",
                                                 shards[i].name, "): ",
                                                 s.message()));
  }
  return chosen;
}

}  // namespace

ShardedDraftScorer::ShardedDraftScorer(std::vector<Shard> shards)
    : shards_(std::move(shards)) {}

absl::StatusOr<Results> ShardedDraftScorer::Score(
    absl::Span<const v1::Draft> drafts, bool explain,
    absl::string_view language) {
  if (shards_.empty()) return absl::FailedPreconditionError("no shards");
  const auto n = static_cast<int32_t>(shards_.size());
  std::vector<Part> parts(shards_.size());
  for (size_t i = 0; i < drafts.size(); ++i) {
    Part& part = parts[ShardOf(drafts[i].platform(), drafts[i].author_id(), n)];
    part.drafts.push_back(drafts[i]);
    part.positions.push_back(i);
  }
  auto score = [&](size_t shard) {
    Part& part = parts[shard];
    if (part.drafts.empty()) return;
    part.results = shards_[shard].scorer->Score(part.drafts, explain, language);
    if (part.results.ok() && part.results->size() != part.drafts.size()) {
      part.results = absl::InternalError(
          absl::StrCat(part.results->size(), " results for ",
                       part.drafts.size(), " drafts"));
    }
  };
  std::vector<std::thread> others;  // shards 1.. in threads, shard 0 here
  for (size_t shard = 1; shard < parts.size(); ++shard) {
    if (!parts[shard].drafts.empty()) others.emplace_back(score, shard);
  }
  score(0);
  for (std::thread& t : others) t.join();
  if (absl::Status s = Worst(parts, shards_); !s.ok()) return s;
  Results out(drafts.size(), absl::UnknownError("not scored"));
  for (Part& part : parts) {
    for (size_t j = 0; j < part.positions.size(); ++j) {
      out[part.positions[j]] = std::move((*part.results)[j]);
    }
  }
  return out;
}

}  // namespace reachrank::batch
