// Explanations: a model's per-feature contributions (TreeSHAP for trees,
// exact terms for the logistic prior) grouped into factors a creator
// understands, each with one sentence in en, de or zh filled with the
// post's values. Pure functions; thread-safe.
#ifndef REACHRANK_RANKING_EXPLAIN_H_
#define REACHRANK_RANKING_EXPLAIN_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace reachrank::ranking {

// Factors, in the order they are declared in docs/model.md.
inline constexpr const char* kFactors[] = {
    "topic",           "topic_saturation",   "topic_demand",
    "evergreen_topic", "utility",            "daily_life",
    "format",          "account_history",    "niche_focus",
    "cadence",         "audience_on_platform", "followers_elsewhere",
    "early_reach",     "stranger_reaction",  "follower_flattery"};

struct Reason {
  std::string factor;
  double value = 0;         // the factor's headline figure (see FactorValue)
  double contribution = 0;  // summed log-odds contribution, with sign
  std::string message;      // one sentence in the requested language
};

// The factor of live feature `feature` (a Feature index).
absl::string_view FactorOf(int feature);

// Groups `contributions` (one per feature of `row`, then the bias; as
// Model::PredictContributions writes them) by factor and returns the
// `max_reasons` factors with the largest |contribution| (ties: factor
// order), each with its message. `row` has `n_features` values in live
// column order (a draft row is the prefix). `topic_id` is the post's top
// topic ("" if none). `language` is "en", "de" or "zh"; anything else is
// answered in en. Factors whose contribution is exactly 0 are skipped.
std::vector<Reason> Explain(absl::Span<const float> row,
                            absl::Span<const float> contributions,
                            absl::string_view topic_id,
                            absl::string_view language, size_t max_reasons);

// The headline figure of `factor` for `row` (e.g. the saturation ratio for
// topic_saturation, the completion rate for stranger_reaction); NaN when
// its feature is missing.
double FactorValue(absl::string_view factor, absl::Span<const float> row);

// The sentence for `factor` with the row's values. `positive` is the sign
// of the factor's contribution. When a value the sentence names is missing
// (NaN, or no topic) a sentence without figures is returned, never a
// placeholder. Defined in explain_messages.cc.
std::string FactorMessage(absl::string_view factor, bool positive,
                          absl::Span<const float> row,
                          absl::string_view topic_id,
                          absl::string_view language);

// The display name of a feature topic in `language` (the id if unknown).
std::string TopicDisplayName(absl::string_view topic_id,
                             absl::string_view language);

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_EXPLAIN_H_
