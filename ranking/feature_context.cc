#include "ranking/feature_context.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "base/status_macros.h"

namespace reachrank::ranking {
namespace {

using storage::Counters;
using storage::DayCounters;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
// Smoothing of the account's stranger reach: a new account is assumed to
// earn kReachPriorImpressions stranger impressions per post, worth
// kReachPriorPosts posts of evidence.
constexpr double kReachPriorImpressions = 200;
constexpr double kReachPriorPosts = 2;

int64_t Impressions(const Counters& c, v1::Relation r) {
  return c.ByRelationType(r, v1::EVENT_TYPE_IMPRESSION);
}

// Stranger engagement: the events that show a stranger wanted the post.
int64_t StrangerEngaged(const Counters& c) {
  int64_t n = 0;
  for (v1::EventType t :
       {v1::EVENT_TYPE_COMPLETE, v1::EVENT_TYPE_LIKE, v1::EVENT_TYPE_COMMENT,
        v1::EVENT_TYPE_SHARE, v1::EVENT_TYPE_SAVE, v1::EVENT_TYPE_FOLLOW}) {
    n += c.ByRelationType(v1::RELATION_STRANGER, t);
  }
  return n;
}

absl::Time DayStart(int32_t day) {
  return absl::UnixEpoch() + absl::Hours(24) * day;
}

// Regularity of the gaps between consecutive posts: 1 / (1 + coefficient of
// variation); NaN with fewer than three posts.
float CadenceRegularity(const std::vector<storage::AuthorPostEntry>& posts) {
  if (posts.size() < 3) return kNaN;
  std::vector<double> gaps;
  for (size_t i = 1; i < posts.size(); ++i) {
    gaps.push_back(static_cast<double>(posts[i - 1].created_ms -
                                       posts[i].created_ms));
  }
  double mean = 0, var = 0;
  for (double g : gaps) mean += g;
  mean /= static_cast<double>(gaps.size());
  if (mean <= 0) return 0.0f;
  for (double g : gaps) var += (g - mean) * (g - mean);
  var /= static_cast<double>(gaps.size());
  return static_cast<float>(1.0 / (1.0 + std::sqrt(var) / mean));
}

float NicheFocusOf(const std::vector<storage::AuthorPostEntry>& posts) {
  absl::flat_hash_map<std::string, int> counts;
  for (const auto& p : posts) {
    if (!p.topic_id.empty()) ++counts[p.topic_id];
  }
  return NicheFocus(counts, FeatureTopics().size());
}

void SumAuthorDays(const std::vector<DayCounters>& days, AuthorContext* ctx) {
  double follows = 0;
  double all_impressions = 0;
  for (const DayCounters& d : days) {
    const Counters& c = d.counters;
    ctx->posts += static_cast<double>(c.Get(storage::kPostsPublished));
    ctx->stranger_impressions +=
        static_cast<double>(Impressions(c, v1::RELATION_STRANGER));
    follows += static_cast<double>(
        c.ByRelationType(v1::RELATION_STRANGER, v1::EVENT_TYPE_FOLLOW));
    all_impressions += static_cast<double>(c.ByType(v1::EVENT_TYPE_IMPRESSION));
    for (int s = 0; s < storage::kSurfaces; ++s) {
      for (int r = 0; r < storage::kRelations; ++r) {
        ctx->impressions_by_surface[s] += static_cast<double>(c.Get(
            storage::EventCell(static_cast<v1::Surface>(s),
                               static_cast<v1::Relation>(r),
                               v1::EVENT_TYPE_IMPRESSION)));
      }
    }
  }
  ctx->known_impressions = all_impressions - ctx->stranger_impressions;
  auto& f = ctx->features;
  f[kAcctPosts90dLog - kAcctFollowersLog] =
      static_cast<float>(std::log1p(ctx->posts));
  f[kAcctStrangerReachLog - kAcctFollowersLog] = static_cast<float>(
      std::log1p((ctx->stranger_impressions +
                  kReachPriorPosts * kReachPriorImpressions) /
                 (ctx->posts + kReachPriorPosts)));
  f[kAcctStrangerFollowsPer1k - kAcctFollowersLog] = static_cast<float>(
      1000.0 * (follows + 1) / (ctx->stranger_impressions + 1000));
  f[kAcctStrangerImpressionShare - kAcctFollowersLog] =
      all_impressions > 0
          ? static_cast<float>(ctx->stranger_impressions / all_impressions)
          : kNaN;
}

void FillAuthorRecord(const v1::Author& a, int32_t day, AuthorContext* ctx) {
  auto& f = ctx->features;
  f[kAcctFollowersLog - kAcctFollowersLog] = static_cast<float>(
      std::log1p(static_cast<double>(std::max<int64_t>(0, a.followers()))));
  if (a.has_joined_at() && a.joined_at().seconds() != 0) {
    const double age_days = absl::ToDoubleHours(
        DayStart(day) - absl::FromUnixSeconds(a.joined_at().seconds())) / 24;
    f[kAcctAgeDaysLog - kAcctFollowersLog] =
        static_cast<float>(std::log1p(std::max(0.0, age_days)));
  }
  double elsewhere = 0;
  for (const auto& [platform, n] : a.followers_elsewhere()) {
    if (platform != a.platform() && n > 0) elsewhere += static_cast<double>(n);
  }
  f[kAcctFollowersElsewhereLog - kAcctFollowersLog] =
      static_cast<float>(std::log1p(elsewhere));
}

// An account without a record (an unknown author, or a draft without
// author_id): a new account with no followers anywhere, joined today.
void FillNewAccountRecord(AuthorContext* ctx) {
  auto& f = ctx->features;
  f[kAcctFollowersLog - kAcctFollowersLog] = 0.0f;
  f[kAcctAgeDaysLog - kAcctFollowersLog] = 0.0f;
  f[kAcctFollowersElsewhereLog - kAcctFollowersLog] = 0.0f;
}

}  // namespace

float NicheFocus(const absl::flat_hash_map<std::string, int>& counts,
                 size_t num_topics) {
  double total = 0;
  for (const auto& [topic, n] : counts) total += n;
  if (total <= 0) return kNaN;
  const double k =
      static_cast<double>(std::max(num_topics, counts.size()));
  if (k <= 1) return 1.0f;
  double entropy = 0;
  for (const auto& [topic, n] : counts) {
    const double p = n / total;
    if (p > 0) entropy -= p * std::log(p);
  }
  return static_cast<float>(1.0 - entropy / std::log(k));
}

double Saturation(double topic_posts, double all_posts, double topic_engaged,
                  double all_engaged, size_t num_topics) {
  // The topic's demand in posts' worth: its share of the engagement times
  // the platform's new posts (uniform over the topics without any).
  const double demanded = all_engaged > 0
                              ? topic_engaged / all_engaged * all_posts
                              : all_posts / static_cast<double>(num_topics);
  return (topic_posts + 1) / (demanded + 1);
}

absl::StatusOr<AuthorContext> ComputeAuthorContext(storage::Store& store,
                                                   absl::string_view platform,
                                                   absl::string_view author_id,
                                                   int32_t day) {
  AuthorContext ctx;
  ctx.features.fill(kNaN);
  if (author_id.empty()) {
    // No account to read: a new one with no history.
    FillNewAccountRecord(&ctx);
    SumAuthorDays({}, &ctx);
    return ctx;
  }
  absl::StatusOr<v1::Author> author = store.GetAuthor(platform, author_id);
  if (author.ok()) {
    ctx.known = true;
    FillAuthorRecord(*author, day, &ctx);
  } else if (absl::IsNotFound(author.status())) {
    FillNewAccountRecord(&ctx);
  } else {
    return author.status();
  }
  RR_ASSIGN_OR_RETURN(std::vector<DayCounters> days,
                      store.AuthorDays(platform, author_id,
                                       day - kAccountWindowDays, day - 1));
  SumAuthorDays(days, &ctx);
  RR_ASSIGN_OR_RETURN(
      std::vector<storage::AuthorPostEntry> posts,
      store.AuthorPosts(platform, author_id,
                        DayStart(day) - absl::Milliseconds(1),
                        kAccountPostsRead));
  ctx.features[kAcctCadenceRegularity - kAcctFollowersLog] =
      CadenceRegularity(posts);
  ctx.features[kAcctNicheFocus - kAcctFollowersLog] = NicheFocusOf(posts);
  return ctx;
}

namespace {

constexpr int kWeeksRead = kEvergreenWeeks + kEvergreenTailWeeks;

// A topic's stranger figures per week, week 0 ending the day before `day`.
struct TopicWeeks {
  std::array<double, kWeeksRead> posts{};
  std::array<double, kWeeksRead> impressions{};  // stranger
  std::array<double, kWeeksRead> engaged{};      // stranger
};

TopicWeeks SumWeeks(const std::vector<DayCounters>& days, int32_t day) {
  TopicWeeks w;
  for (const DayCounters& d : days) {
    const int week = (day - 1 - d.day) / 7;
    if (week < 0 || week >= kWeeksRead) continue;
    w.posts[week] += static_cast<double>(d.counters.Get(storage::kPostsPublished));
    w.impressions[week] +=
        static_cast<double>(Impressions(d.counters, v1::RELATION_STRANGER));
    w.engaged[week] += static_cast<double>(StrangerEngaged(d.counters));
  }
  return w;
}

// Fits weekly stranger impressions E_k = f * N_k + g * C_k (N_k: posts new
// in week k, C_k: posts one to three weeks older) by least squares and
// returns the tail's weight relative to the first week, 3g / f, clamped to
// [0, 5]; NaN when the fit is degenerate.
float EvergreenRatio(const TopicWeeks& w) {
  double nn = 0, nc = 0, cc = 0, ne = 0, ce = 0;
  for (int k = 0; k < kEvergreenWeeks; ++k) {
    double c = 0;
    for (int j = 1; j <= kEvergreenTailWeeks; ++j) c += w.posts[k + j];
    const double n = w.posts[k], e = w.impressions[k];
    nn += n * n;
    nc += n * c;
    cc += c * c;
    ne += n * e;
    ce += c * e;
  }
  const double det = nn * cc - nc * nc;
  if (nn <= 0 || cc <= 0 || det <= 1e-6 * nn * cc) return kNaN;
  const double f = (ne * cc - nc * ce) / det;
  const double g = (nn * ce - nc * ne) / det;
  if (f <= 0) return kNaN;
  return static_cast<float>(
      std::clamp(kEvergreenTailWeeks * g / f, 0.0, 5.0));
}

}  // namespace

absl::StatusOr<PlatformMarket> ComputePlatformMarket(
    storage::Store& store, absl::string_view platform, int32_t day) {
  const std::vector<std::string>& topics = FeatureTopics();
  std::vector<TopicWeeks> weeks;
  double all_posts = 0, all_engaged = 0;
  for (const std::string& topic : topics) {
    RR_ASSIGN_OR_RETURN(
        std::vector<DayCounters> days,
        store.TopicDays(platform, topic, day - 7 * kWeeksRead, day - 1));
    weeks.push_back(SumWeeks(days, day));
    all_posts += weeks.back().posts[0];
    all_engaged += weeks.back().engaged[0];
  }
  PlatformMarket market;
  for (size_t i = 0; i < topics.size(); ++i) {
    const TopicWeeks& w = weeks[i];
    TopicMarket& m = market.topics[i];
    const size_t k = topics.size();
    m.supply_share = (w.posts[0] + 1) / (all_posts + static_cast<double>(k));
    m.demand_share =
        (w.engaged[0] + 1) / (all_engaged + static_cast<double>(k));
    auto& f = m.features;
    f[kTopicSupply7dLog - kTopicSupply7dLog] =
        static_cast<float>(std::log1p(w.posts[0]));
    f[kTopicSaturationLog2 - kTopicSupply7dLog] = static_cast<float>(
        std::log2(Saturation(w.posts[0], all_posts, w.engaged[0],
                             all_engaged, k)));
    f[kTopicStrangerEngagementRate - kTopicSupply7dLog] =
        w.impressions[0] > 0
            ? static_cast<float>(w.engaged[0] / w.impressions[0])
            : kNaN;
    f[kTopicEvergreenRatio - kTopicSupply7dLog] = EvergreenRatio(w);
  }
  return market;
}

}  // namespace reachrank::ranking
