#include "services/ingest/reclassify.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/ingest/post_classifier.h"

namespace reachrank::ingest {
namespace {

bool SameTopics(const storage::PostRecord& stored,
                const std::vector<v1::TopicScore>& topics) {
  if (stored.topics_size() != static_cast<int>(topics.size())) return false;
  for (size_t i = 0; i < topics.size(); ++i) {
    const v1::TopicScore& a = stored.topics(static_cast<int>(i));
    if (a.topic_id() != topics[i].topic_id() ||
        a.probability() != topics[i].probability()) {
      return false;
    }
  }
  return true;
}

// The classifications of `records`; a batch refused as invalid is
// classified post by post, and a refused post gets std::nullopt.
absl::StatusOr<std::vector<std::optional<topics::Classification>>> Classify(
    topics::TopicClassifier& classifier,
    const std::vector<storage::PostRecord>& records, int top_k) {
  std::vector<topics::TextItem> items;
  items.reserve(records.size());
  for (const storage::PostRecord& r : records) items.push_back(PostItem(r));
  auto all = classifier.Classify(items, top_k);
  std::vector<std::optional<topics::Classification>> out;
  if (all.ok()) {
    for (topics::Classification& c : *all) out.emplace_back(std::move(c));
  } else if (absl::IsInvalidArgument(all.status())) {
    for (const topics::TextItem& item : items) {
      auto one = classifier.Classify({&item, 1}, top_k);
      if (!one.ok() && !absl::IsInvalidArgument(one.status())) {
        return one.status();
      }
      out.push_back(one.ok() ? std::optional(std::move((*one)[0]))
                             : std::nullopt);
    }
  } else {
    return all.status();
  }
  if (out.size() != records.size()) {
    return absl::InternalError(absl::StrCat("classifier returned ", out.size(),
                                            " results for ", records.size(),
                                            " posts"));
  }
  return out;
}

// Stores the classifications of `records` that differ from the stored ones
// (counts them only, in a dry run).
absl::Status StoreChanged(
    storage::Store& store, const std::vector<storage::PostRecord>& records,
    const std::vector<std::optional<topics::Classification>>& classes,
    bool dry_run, ReclassifySummary& summary) {
  for (size_t i = 0; i < records.size(); ++i) {
    const storage::PostRecord& r = records[i];
    std::vector<v1::TopicScore> topics;
    std::string language = "und";
    if (classes[i].has_value()) {
      topics = TopicScores(*classes[i]);
      language = StoredLanguage(r, *classes[i]);
    } else {
      ++summary.refused;
    }
    if (r.classified() && r.language() == language && SameTopics(r, topics)) {
      continue;
    }
    absl::Status stored =
        dry_run ? absl::OkStatus()
                : store.SetClassification(r.post(), topics, language);
    if (absl::IsNotFound(stored) || absl::IsAborted(stored)) {
      ++summary.skipped;
      continue;
    }
    RR_RETURN_IF_ERROR(stored);
    ++summary.changed;
    TopicMove move{r.topics().empty() ? "" : r.topics(0).topic_id(),
                   topics.empty() ? "" : topics[0].topic_id()};
    if (move.from != move.to) {
      ++summary.moved;
      ++summary.moves[std::move(move)];
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::pair<TopicMove, int64_t>> LargestMoves(
    const std::map<TopicMove, int64_t>& moves, size_t limit) {
  std::vector<std::pair<TopicMove, int64_t>> out(moves.begin(), moves.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second > b.second;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

absl::StatusOr<ReclassifySummary> ReclassifyAll(
    storage::Store& store, topics::TopicClassifier& classifier,
    const ReclassifyOptions& options) {
  if (options.top_k < 1 || options.top_k > kMaxReclassifyTopK) {
    return absl::InvalidArgumentError(absl::StrCat(
        "top_k: ", options.top_k, ", must be 1-", kMaxReclassifyTopK));
  }
  if (options.batch == 0 || options.batch > topics::kMaxBatchItems) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch: ", options.batch, ", must be 1-", topics::kMaxBatchItems));
  }
  ReclassifySummary summary;
  std::optional<std::string> after;
  while (true) {
    if (options.stop && options.stop()) {
      return absl::CancelledError(absl::StrCat(
          "reclassification stopped after ", summary.posts, " posts (",
          summary.changed,
          options.dry_run ? " would change)" : " changed and stored)"));
    }
    RR_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                        store.ListPostIds(options.batch, after));
    if (ids.empty()) break;
    after = ids.back();
    RR_ASSIGN_OR_RETURN(auto found, store.MultiGetPosts(ids));
    std::vector<storage::PostRecord> records;
    for (std::optional<storage::PostRecord>& r : found) {
      if (r.has_value()) records.push_back(std::move(*r));
    }
    RR_ASSIGN_OR_RETURN(auto classes,
                        Classify(classifier, records, options.top_k));
    RR_RETURN_IF_ERROR(
        StoreChanged(store, records, classes, options.dry_run, summary));
    summary.posts += static_cast<int64_t>(records.size());
    if (options.progress) options.progress(summary);
  }
  return summary;
}

}  // namespace reachrank::ingest
