#include "ranking/explain.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ranking/feature_names.h"

namespace reachrank::ranking {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double At(absl::Span<const float> row, int feature) {
  return static_cast<size_t>(feature) < row.size() ? row[feature] : kNaN;
}

int FactorIndex(absl::string_view factor) {
  for (size_t i = 0; i < std::size(kFactors); ++i) {
    if (factor == kFactors[i]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

absl::string_view FactorOf(int f) {
  if (f >= kTopicScienceTechnology && f <= kTopicGeography) return "topic";
  if (f == kCueUtility || f == kCueSteps || f == kCueQuantities) {
    return "utility";
  }
  if (f == kCueDailyLife) return "daily_life";
  if (f >= kTextLengthLog && f <= kHashtags) return "format";
  if (f == kTopicSupply7dLog || f == kTopicSaturationLog2) {
    return "topic_saturation";
  }
  if (f == kTopicStrangerEngagementRate) return "topic_demand";
  if (f == kTopicEvergreenRatio) return "evergreen_topic";
  if (f == kAcctAgeDaysLog || f == kAcctPosts90dLog ||
      f == kAcctStrangerReachLog) {
    return "account_history";
  }
  if (f == kAcctNicheFocus) return "niche_focus";
  if (f == kAcctCadenceRegularity) return "cadence";
  if (f == kAcctFollowersLog || f == kAcctStrangerFollowsPer1k ||
      f == kAcctStrangerImpressionShare) {
    return "audience_on_platform";
  }
  if (f == kAcctFollowersElsewhereLog) return "followers_elsewhere";
  if (f == kEarlyFollowerCompletionRate || f == kEarlyFollowerLikeRate) {
    return "follower_flattery";
  }
  if (f >= kEarlyStrangerCompletionRate) return "stranger_reaction";
  return "early_reach";
}

double FactorValue(absl::string_view factor, absl::Span<const float> row) {
  if (factor == "topic") {
    double best = 0;
    for (int f = kTopicScienceTechnology; f <= kTopicGeography; ++f) {
      best = std::max(best, At(row, f));
    }
    return best;
  }
  if (factor == "topic_saturation") {
    return std::exp2(At(row, kTopicSaturationLog2));
  }
  if (factor == "topic_demand") return At(row, kTopicStrangerEngagementRate);
  if (factor == "evergreen_topic") return At(row, kTopicEvergreenRatio);
  if (factor == "utility") return At(row, kCueUtility);
  if (factor == "daily_life") return At(row, kCueDailyLife);
  if (factor == "format") return std::expm1(At(row, kDurationLog));
  if (factor == "account_history") {
    return std::expm1(At(row, kAcctStrangerReachLog));
  }
  if (factor == "niche_focus") return At(row, kAcctNicheFocus);
  if (factor == "cadence") return At(row, kAcctCadenceRegularity);
  if (factor == "audience_on_platform") {
    return std::expm1(At(row, kAcctFollowersLog));
  }
  if (factor == "followers_elsewhere") {
    return std::expm1(At(row, kAcctFollowersElsewhereLog));
  }
  if (factor == "early_reach") return std::expm1(At(row, kEarlyImprStrangerLog));
  if (factor == "stranger_reaction") {
    return At(row, kEarlyStrangerCompletionRate);
  }
  if (factor == "follower_flattery") {
    return At(row, kEarlyFollowerCompletionRate);
  }
  return kNaN;
}

std::vector<Reason> Explain(absl::Span<const float> row,
                            absl::Span<const float> contributions,
                            absl::string_view topic_id,
                            absl::string_view language, size_t max_reasons) {
  double sums[std::size(kFactors)] = {};
  const size_t n = std::min(row.size(), contributions.size());
  for (size_t i = 0; i < n; ++i) {
    const int factor = FactorIndex(FactorOf(static_cast<int>(i)));
    if (factor >= 0 && std::isfinite(contributions[i])) {
      sums[factor] += contributions[i];
    }
  }
  std::vector<int> order;
  for (size_t i = 0; i < std::size(kFactors); ++i) {
    if (sums[i] != 0) order.push_back(static_cast<int>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&sums](int a, int b) {
    return std::abs(sums[a]) > std::abs(sums[b]);
  });
  if (order.size() > max_reasons) order.resize(max_reasons);
  std::vector<Reason> reasons;
  for (int i : order) {
    Reason r;
    r.factor = kFactors[i];
    r.value = FactorValue(r.factor, row);
    r.contribution = sums[i];
    r.message = FactorMessage(r.factor, sums[i] > 0, row, topic_id, language);
    reasons.push_back(std::move(r));
  }
  return reasons;
}

}  // namespace reachrank::ranking
