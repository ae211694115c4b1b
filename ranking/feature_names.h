// The fixed, versioned list of features the extractor computes (see
// docs/features.md). Rows are float vectors in this order; NaN = missing.
//
// The draft set is a prefix of the live set: every feature except the early
// signals, which come last. Changing, adding or reordering a feature means a
// new kFeatureSetVersion, and models trained on the old list are refused.
#ifndef REACHRANK_RANKING_FEATURE_NAMES_H_
#define REACHRANK_RANKING_FEATURE_NAMES_H_

#include <cstddef>
#include <string>
#include <vector>

namespace reachrank::ranking {

inline constexpr char kFeatureSetVersion[] = "features-v1";

// Column indices of the live row. The draft row holds [0, kNumDraftFeatures).
enum Feature : int {
  // --- content ---
  kTopicScienceTechnology = 0,
  kTopicTravel,
  kTopicPolitics,
  kTopicSports,
  kTopicHealth,
  kTopicEntertainment,
  kTopicGeography,
  kCueUtility,
  kCueSteps,
  kCueQuantities,
  kCueDailyLife,
  kTextLengthLog,
  kLangEn,
  kLangDe,
  kLangZh,
  kMediaVideo,
  kMediaArticle,
  kMediaImage,
  kMediaText,
  kDurationLog,
  kHashtags,
  // --- topic market (the post's top topic, complete days before as_of) ---
  kTopicSupply7dLog,
  kTopicSaturationLog2,
  kTopicStrangerEngagementRate,
  kTopicEvergreenRatio,
  // --- account on this platform ---
  kAcctFollowersLog,
  kAcctAgeDaysLog,
  kAcctPosts90dLog,
  kAcctCadenceRegularity,
  kAcctNicheFocus,
  kAcctStrangerReachLog,
  kAcctStrangerFollowsPer1k,
  kAcctStrangerImpressionShare,
  kAcctFollowersElsewhereLog,
  // --- early signals (published posts only; NaN for drafts) ---
  kEarlyPostAgeHours,
  kEarlyImprFollowingLog,
  kEarlyImprFriendsLog,
  kEarlyImprRecommendedLog,
  kEarlyImprOtherLog,
  kEarlyImprFollowerLog,
  kEarlyImprStrangerLog,
  kEarlyStrangerCompletionRate,
  kEarlyFollowerCompletionRate,
  kEarlyStrangerLikeRate,
  kEarlyFollowerLikeRate,
  kEarlyStrangerShareRate,
  kEarlyStrangerNotInterestedRate,
  kEarlySharesLog,
  kEarlyStrangerFollows,
  kNumLiveFeatures,
};

inline constexpr size_t kNumFeatures = kNumLiveFeatures;
inline constexpr size_t kNumDraftFeatures = kEarlyPostAgeHours;

// The taxonomy topics the content family covers (features-v1: SIB-200), in
// the order of kTopicScienceTechnology...kTopicGeography.
const std::vector<std::string>& FeatureTopics();

// Names of the live set, in column order.
const std::vector<std::string>& LiveFeatureNames();
// Names of the draft set: the first kNumDraftFeatures live names.
const std::vector<std::string>& DraftFeatureNames();

// Which set a row or model belongs to.
enum class FeatureSet { kDraft, kLive };
const std::vector<std::string>& FeatureNames(FeatureSet set);
inline size_t NumFeatures(FeatureSet set) {
  return set == FeatureSet::kDraft ? kNumDraftFeatures : kNumLiveFeatures;
}

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_FEATURE_NAMES_H_
