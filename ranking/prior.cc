#include "ranking/prior.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "ranking/model/logistic_model.h"

namespace reachrank::ranking {
namespace {

// The margin at the centers, kPriorCenterMargin: a typical post of a
// typical account reaches strangers with p = 1 / (1 + e^1.0) ~ 0.27, a
// little under the base rate of the simulator (~37 %) because a typical
// post is not a hit.
constexpr double kCenterMargin = kPriorCenterMargin;

// Draft terms. Log features are natural logs (log1p); a weight of 0.12 on
// acct_followers_log means x2.7 followers add 0.12 to the log-odds.
const std::vector<PriorTerm>& DraftTerms() {
  static const auto* terms = new std::vector<PriorTerm>{
      // content: useful posts travel, daily-life posts compete with millions
      {"cue_utility", 0.55, 0.3},
      {"cue_steps", 0.15, 0.2},
      {"cue_quantities", 0.10, 0.2},
      {"cue_daily_life", -0.40, 0.3},
      {"hashtags", 0.05, 1.0},
      // topic market: crowded topics raise the bar; evergreen ones pay later
      {"topic_saturation_log2", -0.60, 0.0},
      {"topic_stranger_engagement_rate", 3.0, 0.15},
      {"topic_evergreen_ratio", 0.40, 0.5},
      // account on this platform
      {"acct_followers_log", 0.12, 6.4},
      {"acct_age_days_log", 0.08, 5.9},
      {"acct_posts_90d_log", 0.15, 3.4},
      {"acct_cadence_regularity", 0.60, 0.5},
      {"acct_niche_focus", 0.90, 0.5},
      {"acct_stranger_reach_log", 0.55, 6.0},
      {"acct_stranger_follows_per_1k", 0.10, 2.0},
      {"acct_stranger_impression_share", 0.80, 0.5},
      // audiences do not transfer between platforms: a weak weight
      {"acct_followers_elsewhere_log", 0.03, 3.0},
  };
  return *terms;
}

// Live terms: the draft terms plus the early signals. Strangers judge a
// post; followers flatter it, so follower rates weigh slightly negative
// once stranger rates are known.
const std::vector<PriorTerm>& LiveTerms() {
  static const auto* terms = [] {
    auto* t = new std::vector<PriorTerm>(DraftTerms());
    t->insert(t->end(), {{"early_impr_stranger_log", 0.35, 4.0},
                         {"early_impr_recommended_log", 0.10, 4.0},
                         // after the horizon (7 days) the outcome is settled:
                         // an older post reads as one at the horizon
                         {"early_post_age_hours", -0.01, 2.0, 168.0},
                         {"early_stranger_completion_rate", 2.0, 0.35},
                         {"early_follower_completion_rate", -0.5, 0.5},
                         {"early_stranger_like_rate", 4.0, 0.05},
                         {"early_follower_like_rate", -1.0, 0.1},
                         {"early_stranger_share_rate", 10.0, 0.01},
                         {"early_stranger_not_interested_rate", -8.0, 0.02},
                         {"early_stranger_follows", 0.02, 1.0}});
    return t;
  }();
  return *terms;
}

ModelMetadata PriorMetadata(FeatureSet set) {
  ModelMetadata meta;
  meta.model_version = kPriorVersion;
  meta.model_type = ModelType::kLogistic;
  meta.feature_names = FeatureNames(set);
  meta.label = {"stranger_impressions", 1000, 7};
  return meta;
}

// Intercept so that a row at the centers has margin kCenterMargin.
double Intercept(FeatureSet set) {
  double at_centers = 0;
  for (const PriorTerm& t : PriorTerms(set)) at_centers += t.weight * t.center;
  return kCenterMargin - at_centers;
}

std::map<std::string, double> WeightMap(FeatureSet set) {
  std::map<std::string, double> weights;
  for (const PriorTerm& t : PriorTerms(set)) weights[t.feature] = t.weight;
  return weights;
}

// A missing feature takes its center: unknown is neutral, it moves the
// margin neither way (docs/model.md, "Prior").
std::map<std::string, double> CenterMap(FeatureSet set) {
  std::map<std::string, double> centers;
  for (const PriorTerm& t : PriorTerms(set)) centers[t.feature] = t.center;
  return centers;
}

// The caps of the terms that have one.
std::map<std::string, double> UpperMap(FeatureSet set) {
  std::map<std::string, double> upper;
  for (const PriorTerm& t : PriorTerms(set)) {
    if (std::isfinite(t.upper)) upper[t.feature] = t.upper;
  }
  return upper;
}

// The column in FeatureNames(set) of each of PriorTerms(set).
const std::vector<size_t>& TermColumns(FeatureSet set) {
  static const auto* columns = [] {
    auto* c = new std::vector<size_t>[2];
    for (FeatureSet s : {FeatureSet::kDraft, FeatureSet::kLive}) {
      const std::vector<std::string>& names = FeatureNames(s);
      for (const PriorTerm& t : PriorTerms(s)) {
        c[s == FeatureSet::kLive].push_back(static_cast<size_t>(
            std::find(names.begin(), names.end(), t.feature) - names.begin()));
      }
    }
    return c;
  }();
  return columns[set == FeatureSet::kLive];
}

// {"intercept", "weights", "missing"} of the prior rescaled by `scaling`:
// each draft term's weight times draft_scale, each early term's times
// early_scale; the centers are the missing values, so the intercept is
// offset - sum of scaled weight * center.
nlohmann::json ScaledPriorJson(FeatureSet set, const PriorScaling& scaling) {
  const size_t n_draft = DraftTerms().size();
  const std::vector<PriorTerm>& terms = PriorTerms(set);
  std::map<std::string, double> weights;
  double intercept = scaling.offset;
  for (size_t t = 0; t < terms.size(); ++t) {
    const double w = terms[t].weight *
                     (t < n_draft ? scaling.draft_scale : scaling.early_scale);
    weights[terms[t].feature] = w;
    intercept -= w * terms[t].center;
  }
  nlohmann::json model = {{"intercept", intercept},
                          {"weights", weights},
                          {"missing", CenterMap(set)}};
  if (const auto upper = UpperMap(set); !upper.empty()) model["upper"] = upper;
  return model;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

const std::vector<PriorTerm>& PriorTerms(FeatureSet set) {
  return set == FeatureSet::kDraft ? DraftTerms() : LiveTerms();
}

double PriorCenterMargin(FeatureSet) { return kCenterMargin; }

absl::StatusOr<std::unique_ptr<Model>> MakePriorModel(FeatureSet set) {
  absl::StatusOr<LogisticModel> logistic =
      LogisticModel::Create(Intercept(set), WeightMap(set), FeatureNames(set),
                            CenterMap(set), UpperMap(set));
  if (!logistic.ok()) {
    return absl::InternalError(
        absl::StrCat("prior terms: ", logistic.status().message()));
  }
  // The centers are the missing values, so LogisticModel measures each
  // term from its center.
  return MakeLogisticModel(PriorMetadata(set), *std::move(logistic));
}

PriorParts PriorPartsOf(FeatureSet set, const float* row) {
  const size_t n_draft = DraftTerms().size();
  const std::vector<PriorTerm>& terms = PriorTerms(set);
  const std::vector<size_t>& columns = TermColumns(set);
  PriorParts parts;
  for (size_t t = 0; t < terms.size(); ++t) {
    const float x = row[columns[t]];
    if (std::isnan(x)) continue;
    (t < n_draft ? parts.draft : parts.early) +=
        terms[t].weight *
        (std::min(static_cast<double>(x), terms[t].upper) - terms[t].center);
  }
  return parts;
}

std::string PriorModelJson(FeatureSet set, const PriorScaling& scaling) {
  return ScaledPriorJson(set, scaling).dump(2);
}

std::string SegmentedPriorModelJson(
    FeatureSet set, const std::vector<PriorSegment>& segments) {
  if (segments.size() == 1) return PriorModelJson(set, segments[0].scaling);
  nlohmann::json array = nlohmann::json::array();
  for (size_t i = 0; i < segments.size(); ++i) {
    nlohmann::json segment = ScaledPriorJson(set, segments[i].scaling);
    if (i + 1 < segments.size()) segment["up_to"] = segments[i].up_to;
    array.push_back(std::move(segment));
  }
  const nlohmann::json model = {{"segment_feature", kPriorSegmentFeature},
                                {"segments", array}};
  return model.dump(2);
}

absl::StatusOr<FeatureSet> PriorFeatureSet(
    const std::vector<std::string>& names) {
  for (FeatureSet set : {FeatureSet::kDraft, FeatureSet::kLive}) {
    if (names == FeatureNames(set)) return set;
  }
  return absl::InvalidArgumentError(
      "the prior is defined on the draft and live feature sets only; these "
      "rows have other features");
}

absl::Status WritePriorModelDir(FeatureSet set, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir));

  nlohmann::json meta = {
      {"model_version", kPriorVersion},
      {"model_type", "logistic"},
      {"feature_names", FeatureNames(set)},
      {"label",
       {{"counter", "stranger_impressions"},
        {"threshold", 1000},
        {"horizon_days", 7}}}};
  RR_RETURN_IF_ERROR(WriteFile(dir + "/model.json", PriorModelJson(set)));
  return WriteFile(dir + "/metadata.json", meta.dump(2));
}

}  // namespace reachrank::ranking
