#include "ranking/feature_names.h"

namespace reachrank::ranking {

const std::vector<std::string>& FeatureTopics() {
  static const auto* topics = new std::vector<std::string>{
      "science/technology", "travel",        "politics", "sports",
      "health",             "entertainment", "geography"};
  return *topics;
}

const std::vector<std::string>& LiveFeatureNames() {
  static const auto* names = new std::vector<std::string>{
      "topic_p_science_technology",
      "topic_p_travel",
      "topic_p_politics",
      "topic_p_sports",
      "topic_p_health",
      "topic_p_entertainment",
      "topic_p_geography",
      "cue_utility",
      "cue_steps",
      "cue_quantities",
      "cue_daily_life",
      "text_length_log",
      "lang_en",
      "lang_de",
      "lang_zh",
      "media_video",
      "media_article",
      "media_image",
      "media_text",
      "duration_log",
      "hashtags",
      "topic_supply_7d_log",
      "topic_saturation_log2",
      "topic_stranger_engagement_rate",
      "topic_evergreen_ratio",
      "acct_followers_log",
      "acct_age_days_log",
      "acct_posts_90d_log",
      "acct_cadence_regularity",
      "acct_niche_focus",
      "acct_stranger_reach_log",
      "acct_stranger_follows_per_1k",
      "acct_stranger_impression_share",
      "acct_followers_elsewhere_log",
      "early_post_age_hours",
      "early_impr_following_log",
      "early_impr_friends_log",
      "early_impr_recommended_log",
      "early_impr_other_log",
      "early_impr_follower_log",
      "early_impr_stranger_log",
      "early_stranger_completion_rate",
      "early_follower_completion_rate",
      "early_stranger_like_rate",
      "early_follower_like_rate",
      "early_stranger_share_rate",
      "early_stranger_not_interested_rate",
      "early_shares_log",
      "early_stranger_follows",
  };
  return *names;
}

const std::vector<std::string>& DraftFeatureNames() {
  static const auto* names = new std::vector<std::string>(
      LiveFeatureNames().begin(),
      LiveFeatureNames().begin() + kNumDraftFeatures);
  return *names;
}

const std::vector<std::string>& FeatureNames(FeatureSet set) {
  return set == FeatureSet::kDraft ? DraftFeatureNames() : LiveFeatureNames();
}

}  // namespace reachrank::ranking
