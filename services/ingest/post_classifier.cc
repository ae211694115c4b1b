#include "services/ingest/post_classifier.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/status_macros.h"
#include "services/common/log.h"
#include "services/ingest/validation.h"
#include "storage/keys.h"
#include "topics/taxonomy.h"

namespace reachrank::ingest {

static_assert(topics::kMaxTopicIdBytes == storage::keys::kMaxKeyPart,
              "the taxonomy allows the topic ids storage keeps");

namespace {

// Times a post edited while it was being classified is classified again
// at once, with its new content, before it is left to the next background
// pass (a post edited without pause must not hold a caller forever).
constexpr int kEditRetries = 3;

// The pending gauge counts at most this many posts per refresh.
constexpr size_t kPendingGaugeLimit = 100'000;

static_assert(kMaxHashtags == topics::kMaxHashtags,
              "a post that ingest accepts is an item the classifier accepts");

}  // namespace

topics::TextItem PostItem(const storage::PostRecord& record) {
  const v1::Post& p = record.post();
  return {p.post_id(),
          p.text(),
          p.language(),
          {p.hashtags().begin(), p.hashtags().end()}};
}

std::vector<v1::TopicScore> TopicScores(const topics::Classification& c) {
  std::vector<v1::TopicScore> scores;
  scores.reserve(c.topics.size());
  for (const topics::TopicProbability& t : c.topics) {
    // A topic id storage cannot key would make it refuse the whole
    // classification, and every pass would stop at that post.
    if (!storage::keys::IsValidPart(t.topic_id)) continue;
    v1::TopicScore s;
    s.set_topic_id(t.topic_id);
    s.set_probability(t.probability);
    scores.push_back(std::move(s));
  }
  return scores;
}

std::string StoredLanguage(const storage::PostRecord& record,
                           const topics::Classification& c) {
  return c.language.empty() ? record.post().language() : c.language;
}

PostClassifier::PostClassifier(storage::Store& store,
                               topics::TopicClassifier* classifier,
                               IngestMetrics& metrics,
                               PostClassifierOptions options)
    : store_(store),
      classifier_(classifier),
      metrics_(metrics),
      options_(options) {}

PostClassifier::~PostClassifier() { Stop(); }

absl::StatusOr<size_t> PostClassifier::ClassifyNew(
    absl::Span<const std::string> post_ids) {
  if (classifier_ == nullptr || unavailable_.load()) return 0;
  std::vector<std::string> claimed = Claim(post_ids);
  absl::StatusOr<size_t> result = ClassifyClaimed(claimed);
  Release(claimed);
  if (!result.ok()) unavailable_.store(true);
  return result;
}

absl::StatusOr<size_t> PostClassifier::DrainPending() {
  size_t total = 0;
  absl::Status status;
  for (int i = 0; classifier_ != nullptr && i < options_.max_batches_per_pass;
       ++i) {
    absl::StatusOr<std::vector<std::string>> ids =
        store_.ListPending(options_.batch);
    if (!ids.ok()) {
      status = ids.status();
      break;
    }
    std::vector<std::string> claimed = Claim(*ids);
    absl::StatusOr<size_t> done = ClassifyClaimed(claimed);
    Release(claimed);
    if (!done.ok()) {
      status = done.status();
      break;
    }
    total += *done;
    // Nothing left, or only posts that someone else is classifying.
    if (ids->size() < options_.batch || *done == 0) break;
  }
  if (classifier_ != nullptr) unavailable_.store(!status.ok());
  UpdatePendingGauge();
  if (!status.ok()) return status;
  return total;
}

std::vector<std::string> PostClassifier::Claim(
    absl::Span<const std::string> ids) {
  std::vector<std::string> claimed;
  absl::MutexLock lock(&claims_mu_);
  for (const std::string& id : ids) {
    if (claimed_.insert(id).second) claimed.push_back(id);
  }
  return claimed;
}

void PostClassifier::Release(absl::Span<const std::string> ids) {
  absl::MutexLock lock(&claims_mu_);
  for (const std::string& id : ids) claimed_.erase(id);
}

// Classifies the claimed posts that are still pending; those edited
// meanwhile, again (they are still claimed, so the upsert that edited them
// could not classify them itself).
absl::StatusOr<size_t> PostClassifier::ClassifyClaimed(
    absl::Span<const std::string> ids) {
  Outcome outcome;
  RR_RETURN_IF_ERROR(ClassifyBatches(ids, &outcome));
  for (int retry = 0; retry < kEditRetries && !outcome.edited.empty();
       ++retry) {
    const std::vector<std::string> again = std::exchange(outcome.edited, {});
    RR_RETURN_IF_ERROR(ClassifyBatches(again, &outcome));
  }
  return outcome.stored;
}

// Classifies the pending posts among `ids`, batch by batch.
absl::Status PostClassifier::ClassifyBatches(absl::Span<const std::string> ids,
                                             Outcome* outcome) {
  for (size_t start = 0; start < ids.size(); start += options_.batch) {
    absl::Span<const std::string> chunk = ids.subspan(start, options_.batch);
    RR_ASSIGN_OR_RETURN(auto found, store_.MultiGetPosts(chunk));
    std::vector<storage::PostRecord> records;
    std::vector<topics::TextItem> items;
    for (std::optional<storage::PostRecord>& r : found) {
      if (!r.has_value() || r->classified()) continue;
      items.push_back(PostItem(*r));
      records.push_back(std::move(*r));
    }
    if (records.empty()) continue;
    auto results = classifier_->Classify(items, options_.top_k);
    if (results.status().code() == absl::StatusCode::kInvalidArgument) {
      RR_RETURN_IF_ERROR(ClassifyOneByOne(records, outcome));
      continue;
    }
    if (!results.ok()) return results.status();
    RR_RETURN_IF_ERROR(Save(records, *results, outcome));
  }
  return absl::OkStatus();
}

absl::Status PostClassifier::Save(
    const std::vector<storage::PostRecord>& records,
    const std::vector<topics::Classification>& results, Outcome* outcome) {
  if (results.size() != records.size()) {
    return absl::InternalError("classifier returned a wrong result count");
  }
  for (size_t i = 0; i < records.size(); ++i) {
    RR_RETURN_IF_ERROR(StoreOne(records[i].post(), TopicScores(results[i]),
                                StoredLanguage(records[i], results[i]),
                                outcome));
  }
  return absl::OkStatus();
}

// A post deleted (DeleteAuthors) while its batch was being classified has
// nothing left to classify (NOT_FOUND), and one re-upserted with new
// content meanwhile is pending for it (ABORTED): neither fails the pass.
absl::Status PostClassifier::StoreOne(const v1::Post& post,
                                      const std::vector<v1::TopicScore>& topics,
                                      const std::string& language,
                                      Outcome* outcome) {
  const absl::Status status = store_.SetClassification(post, topics, language);
  if (status.ok()) {
    ++outcome->stored;
  } else if (absl::IsAborted(status)) {
    outcome->edited.push_back(post.post_id());
  } else if (!absl::IsNotFound(status)) {
    return status;
  }
  return absl::OkStatus();
}

// A batch the classifier refused as invalid: find the offending posts and
// store them with no topics ("und"), so that they do not block the pending
// set forever.
absl::Status PostClassifier::ClassifyOneByOne(
    const std::vector<storage::PostRecord>& records, Outcome* outcome) {
  for (const storage::PostRecord& r : records) {
    std::vector<topics::TextItem> item = {PostItem(r)};
    auto result = classifier_->Classify(item, options_.top_k);
    if (result.status().code() == absl::StatusCode::kInvalidArgument) {
      RR_RETURN_IF_ERROR(StoreOne(r.post(), {}, "und", outcome));
      continue;
    }
    if (!result.ok()) return result.status();
    RR_RETURN_IF_ERROR(Save({r}, *result, outcome));
  }
  return absl::OkStatus();
}

void PostClassifier::UpdatePendingGauge() {
  absl::StatusOr<std::vector<std::string>> pending =
      store_.ListPending(kPendingGaugeLimit);
  if (pending.ok()) metrics_.SetUnclassified(pending->size());
}

void PostClassifier::Start() {
  absl::MutexLock start_lock(&start_mu_);
  if (thread_.joinable()) return;
  {
    absl::MutexLock lock(&loop_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void PostClassifier::Stop() {
  absl::MutexLock start_lock(&start_mu_);
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&loop_mu_);
    stopping_ = true;
  }
  thread_.join();
}

void PostClassifier::Loop() {
  bool was_ok = true;
  absl::MutexLock lock(&loop_mu_);
  while (!stopping_) {
    loop_mu_.Unlock();
    absl::StatusOr<size_t> done = DrainPending();
    // Report changes only, not every failed pass.
    if (done.ok() != was_ok) {
      services::LogLine(done.ok() ? "classifier available again"
                                  : "classifier failing, posts stay pending: " +
                                        done.status().ToString());
      was_ok = done.ok();
    }
    loop_mu_.Lock();
    loop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
  }
}

}  // namespace reachrank::ingest
