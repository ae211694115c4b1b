#include "services/topics/topics_metrics.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"

namespace reachrank::topics_service {
namespace {

constexpr char kNoTopic[] = "none";

}  // namespace

TopicsMetrics::TopicsMetrics(prometheus::Registry& registry)
    : classified_(prometheus::BuildCounter()
                      .Name("reachrank_topics_classified_total")
                      .Help("Texts classified, by top topic and language.")
                      .Register(registry)),
      model_info_(prometheus::BuildGauge()
                      .Name("reachrank_topics_model_info")
                      .Help("1 for the topic model version now serving.")
                      .Register(registry)),
      reloads_ok_(prometheus::BuildCounter()
                      .Name("reachrank_topics_reloads_total")
                      .Help("Topic model loads, by result.")
                      .Register(registry)
                      .Add({{"result", "ok"}})),
      reloads_refused_(prometheus::BuildCounter()
                           .Name("reachrank_topics_reloads_total")
                           .Help("Topic model loads, by result.")
                           .Register(registry)
                           .Add({{"result", "refused"}})) {}

void TopicsMetrics::Classified(
    absl::Span<const topics::Classification> results) {
  // One counter lookup per distinct label pair, not per text.
  std::map<std::pair<std::string, std::string>, double> counts;
  for (const topics::Classification& r : results) {
    std::string topic = r.topics.empty() ? kNoTopic : r.topics[0].topic_id;
    counts[{std::move(topic), LanguageLabel(r.language)}] += 1;
  }
  for (const auto& [labels, n] : counts) {
    classified_.Add({{"topic", labels.first}, {"language", labels.second}})
        .Increment(n);
  }
}

void TopicsMetrics::ModelServing(const std::string& previous,
                                 const std::string& current) {
  if (!previous.empty() && previous != current) {
    prometheus::Labels old = {{"model_version", previous}};
    if (model_info_.Has(old)) model_info_.Remove(&model_info_.Add(old));
  }
  model_info_.Add({{"model_version", current}}).Set(1);
}

void TopicsMetrics::Reloaded(bool ok) {
  (ok ? reloads_ok_ : reloads_refused_).Increment();
}

std::string LanguageLabel(absl::string_view language) {
  const std::string primary =
      absl::AsciiStrToLower(language.substr(0, language.find('-')));
  if (primary == "en" || primary == "de" || primary == "zh" ||
      primary == "und") {
    return primary;
  }
  return "other";
}

}  // namespace reachrank::topics_service
