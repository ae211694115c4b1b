#include "ranking/testing/sim_store.h"

#include <utility>

#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "ranking/feature_names.h"

namespace reachrank::ranking::testing {
namespace {

// Stores what the simulator emits, classifying posts by their sentence.
class StoreSink : public sim::SimSink {
 public:
  StoreSink(storage::Store& store, const SentenceTopics& topics,
            absl::Time events_before, SimStoreSummary* summary)
      : store_(store),
        topics_(topics),
        events_before_(events_before),
        summary_(summary) {}

  absl::Status Authors(absl::Span<const v1::Author> authors) override {
    for (const auto& a : authors) {
      summary_->authors.emplace_back(a.platform(), a.author_id());
    }
    return store_.PutAuthors(authors);
  }
  absl::Status Posts(absl::Span<const v1::Post> posts) override {
    std::vector<storage::PostRecord> records;
    for (const v1::Post& p : posts) {
      storage::PostRecord r;
      *r.mutable_post() = p;
      const std::string topic = topics_.TopicOf(p.text());
      if (!topic.empty()) {
        v1::TopicScore* t = r.add_topics();
        t->set_topic_id(topic);
        t->set_probability(0.9f);
        r.set_classified(true);
      }
      records.push_back(std::move(r));
      summary_->post_ids.push_back(p.post_id());
    }
    return store_.PutPosts(records).status();
  }
  absl::Status Events(absl::Span<const v1::EngagementEvent> events) override {
    std::vector<v1::EngagementEvent> kept;
    for (const v1::EngagementEvent& e : events) {
      if (absl::FromUnixSeconds(e.at().seconds()) < events_before_) {
        kept.push_back(e);
      }
    }
    if (kept.empty()) return absl::OkStatus();
    return store_.RecordEvents(kept, absl::Now()).status();
  }

 private:
  storage::Store& store_;
  const SentenceTopics& topics_;
  const absl::Time events_before_;
  SimStoreSummary* summary_;
};

}  // namespace

absl::StatusOr<const sim::Corpus*> TestCorpus() {
  static const absl::StatusOr<sim::Corpus>* corpus =
      new absl::StatusOr<sim::Corpus>(sim::Corpus::Load(REACHRANK_SIB200_DIR));
  if (!corpus->ok()) return corpus->status();
  return &**corpus;
}

SentenceTopics::SentenceTopics(const sim::Corpus& corpus) {
  for (const char* lang : {"en", "de", "zh"}) {
    for (const std::string& topic : FeatureTopics()) {
      for (const std::string& s : corpus.Sentences(lang, topic)) {
        topic_of_sentence_.emplace(s, topic);
      }
    }
  }
}

std::string SentenceTopics::TopicOf(const std::string& text) const {
  // The sentence follows a short cue phrase, if any.
  for (size_t start = 0; start < text.size() && start < 48; ++start) {
    auto it = topic_of_sentence_.find(absl::string_view(text).substr(start));
    if (it != topic_of_sentence_.end()) return it->second;
  }
  return "";
}

absl::StatusOr<SimStoreSummary> FillStoreFromSim(
    const sim::SimOptions& options, storage::Store& store,
    absl::Time events_before) {
  RR_ASSIGN_OR_RETURN(const sim::Corpus* corpus, TestCorpus());
  SentenceTopics topics(*corpus);
  SimStoreSummary summary;
  StoreSink sink(store, topics, events_before, &summary);
  RR_ASSIGN_OR_RETURN(summary.sim, sim::Simulate(options, *corpus, sink));
  return summary;
}

absl::StatusOr<std::vector<topics::Classification>> FakeClassifier::Classify(
    absl::Span<const topics::TextItem> items, int /*top_k*/) {
  std::vector<topics::Classification> out;
  for (const topics::TextItem& item : items) {
    auto it = topics_.find(item.text);
    for (size_t i = 0; it == topics_.end() && i < item.hashtags.size(); ++i) {
      it = topics_.find("#" + item.hashtags[i]);
    }
    topics::Classification c;
    c.id = item.id;
    c.language = item.language.empty() ? "en" : item.language;
    c.topics.push_back({it == topics_.end() ? fallback_ : it->second, 0.9f});
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace reachrank::ranking::testing
