// topics_metrics: the topic service's domain metrics. Labels carry topic
// ids of the serving taxonomy, a bounded language label and model
// versions, never caller ids or text:
//   reachrank_topics_classified_total{topic,language}  texts classified, by
//       top topic ("none" for blank text) and language ("en", "de", "zh",
//       "und", or "other" for anything else)
//   reachrank_topics_model_info{model_version}  1 for the serving model
//   reachrank_topics_reloads_total{result}  model loads, result "ok" or
//       "refused"
#ifndef REACHRANK_SERVICES_TOPICS_TOPICS_METRICS_H_
#define REACHRANK_SERVICES_TOPICS_TOPICS_METRICS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "topics/classifier.h"

namespace reachrank::topics_service {

// Registers the families in a registry that must outlive *this.
// Thread-safe.
class TopicsMetrics {
 public:
  explicit TopicsMetrics(prometheus::Registry& registry);

  // Counts each result once, under its top topic and language.
  void Classified(absl::Span<const topics::Classification> results);
  // The serving model changed from `previous` ("" for none) to `current`.
  // Callers serialise these calls (ModelHolder's swap listener does).
  void ModelServing(const std::string& previous, const std::string& current);
  // A model load succeeded (`ok`) or was refused.
  void Reloaded(bool ok);

 private:
  prometheus::Family<prometheus::Counter>& classified_;
  prometheus::Family<prometheus::Gauge>& model_info_;
  prometheus::Counter& reloads_ok_;
  prometheus::Counter& reloads_refused_;
};

// The `language` label of a result's language: "en", "de", "zh" or "und"
// (also for a regional tag such as "en-GB" or "zh-Hans"), else "other".
std::string LanguageLabel(absl::string_view language);

}  // namespace reachrank::topics_service

#endif  // REACHRANK_SERVICES_TOPICS_TOPICS_METRICS_H_
