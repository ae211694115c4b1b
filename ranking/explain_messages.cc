// Which of a factor's sentences (explain_sentences.h) is said, and with
// which figures. Each factor has two variants: the first when the factor
// helped (or, for topic_saturation and follower_flattery, when the figures
// say so), the second otherwise. A variant judges its figure ("still small",
// "rarely reached strangers"); when the figure contradicts that judgement (a
// tree model weighs a figure against the typical post, and a factor sums
// several features) the factor's plain statement of the figure is said instead,
// with the direction of its contribution, so no sentence claims the
// opposite of its own number (Agrees). Placeholders are filled from the
// row; when a figure is missing (a new account, no stranger views yet) the
// factor's figure-free sentence is said instead, so no message prints "?"
// or "nan". Situations with sentences of their own, because either variant
// would misstate them (SituationOf): an account without posts in the window
// (its reach figure is the prior's, not a history), a topic whose supply and
// stranger demand are about equal, and a post without a topic.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"
#include "ranking/explain.h"
#include "ranking/explain_sentences.h"
#include "ranking/feature_names.h"

namespace reachrank::ranking {
namespace {

double At(absl::Span<const float> row, int f) {
  return static_cast<size_t>(f) < row.size() ? row[f] : std::nan("");
}

// A figure as the sentences of `lang` print it; only called for finite
// values. German writes a decimal comma ("6,5"), en and zh a point.
// Whole numbers from 10 up, in groups of three digits: "12,000" in en and
// zh from 1,000, "12.000" in de from 10.000 (German leaves four digits
// ungrouped), rounded to 3 significant digits from 1,000,000; below 10
// one decimal, a comma in de ("6,5").
std::string Number(double x, absl::string_view lang) {
  const bool de = lang == "de";
  if (std::abs(x) < 10) {
    std::string s = absl::StrFormat("%.1f", x);
    if (absl::EndsWith(s, ".0")) s.resize(s.size() - 2);
    if (de) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }
  // From a million up, 3 significant digits: the figures come through a
  // float logarithm, whose last digits up there are noise.
  if (std::abs(x) >= 1e6) {
    const double unit = std::pow(10.0, std::floor(std::log10(std::abs(x))) - 2);
    x = std::round(x / unit) * unit;
  }
  std::string s = absl::StrFormat("%.0f", x);
  const size_t first = s[0] == '-' ? 1 : 0;  // first digit
  if (s.size() - first < (de ? 5u : 4u)) return s;
  // Inserting at i leaves the positions before i in place.
  for (size_t i = s.size(); i > first + 3;) {
    i -= 3;
    s.insert(i, de ? "." : ",");
  }
  return s;
}

std::string Percent(double x) { return absl::StrFormat("%.0f", 100 * x); }

// One placeholder of the sentences and the row's value for it.
struct Figure {
  const char* placeholder;
  double value;
  bool percent;
};

std::vector<Figure> Figures(absl::Span<const float> row) {
  return {
      {"{ratio}", std::exp2(At(row, kTopicSaturationLog2)), false},
      // Per 100 impressions, with a decimal below 10 ("0.3").
      {"{rate}", 100 * At(row, kTopicStrangerEngagementRate), false},
      {"{evergreen}", At(row, kTopicEvergreenRatio), false},
      {"{reach}", std::expm1(At(row, kAcctStrangerReachLog)), false},
      {"{focus}", At(row, kAcctNicheFocus), true},
      {"{regularity}", At(row, kAcctCadenceRegularity), true},
      {"{followers}", std::expm1(At(row, kAcctFollowersLog)), false},
      {"{elsewhere}", std::expm1(At(row, kAcctFollowersElsewhereLog)), false},
      {"{impr}", std::expm1(At(row, kEarlyImprStrangerLog)), false},
      {"{age}", At(row, kEarlyPostAgeHours), false},
      {"{sc}", At(row, kEarlyStrangerCompletionRate), true},
      {"{fc}", At(row, kEarlyFollowerCompletionRate), true},
      {"{sl}", At(row, kEarlyStrangerLikeRate), true}};
}

// `text` with a count of exactly 1 read in the singular ("1 follower", "in
// der ersten Stunde"), and an age of 0 hours (within the creation hour) as
// the first hour; a "1" or "0" right after a digit, '.' or ',' is part of
// a larger number and left alone.
std::string Singular(std::string text, absl::string_view lang) {
  static constexpr std::pair<const char*, const char*> kEn[] = {
      {"1 followers", "1 follower"},   {"1 strangers", "1 stranger"},
      {"1 hours", "1 hour"},           {"first 1 hour", "first hour"},
      {"first 0 hours", "first hour"}, {"in 0 hours", "in its first hour"}};
  static constexpr std::pair<const char*, const char*> kDe[] = {
      {"den ersten 1 Stunden", "der ersten Stunde"},
      {"den ersten 0 Stunden", "der ersten Stunde"},
      {"in 0 Stunden", "in der ersten Stunde"},
      {"1 Stunden", "1 Stunde"},
      {"sahen ihn nur 1 Fremde", "sah ihn nur ein Fremder"},
      {"sahen ihn 1 Fremde", "sah ihn ein Fremder"}};
  static constexpr std::pair<const char*, const char*> kZh[] = {
      {"发布0小时内", "发布后第一个小时内"},
      {"发布后0小时内", "发布后第一个小时内"}};
  const auto fix =
      [&text](absl::Span<const std::pair<const char*, const char*>> forms) {
        for (const auto& [plural, singular] : forms) {
          const std::string p = plural;
          const size_t one = p.find_first_of("01");
          for (size_t at = text.find(p); at != std::string::npos;
               at = text.find(p, at + 1)) {
            const size_t digit = at + one;
            const char before = digit == 0 ? ' ' : text[digit - 1];
            if (absl::ascii_isdigit(static_cast<unsigned char>(before)) ||
                before == '.' || before == ',') {
              continue;
            }
            text.replace(at, p.size(), singular);
          }
        }
      };
  if (lang == "en") fix(kEn);
  if (lang == "de") fix(kDe);
  if (lang == "zh") fix(kZh);
  return text;
}

// `text` with its figures filled in, or nullopt when one it names is
// missing (NaN) or it names the topic and there is none.
std::optional<std::string> Fill(absl::string_view text,
                                absl::Span<const float> row,
                                absl::string_view topic_id,
                                const std::string& lang) {
  std::vector<std::pair<std::string, std::string>> replacements;
  if (absl::StrContains(text, "{topic}")) {
    if (topic_id.empty()) return std::nullopt;
    replacements.push_back({"{topic}", TopicDisplayName(topic_id, lang)});
  }
  for (const Figure& f : Figures(row)) {
    if (!absl::StrContains(text, f.placeholder)) continue;
    if (!std::isfinite(f.value)) return std::nullopt;
    replacements.push_back(
        {f.placeholder, f.percent ? Percent(f.value) : Number(f.value, lang)});
  }
  return Singular(absl::StrReplaceAll(text, replacements), lang);
}

// Sentences for a situation (en, de, zh), said instead of the factor's
// variants; `plain` when the text names a topic and there is none.
struct Situation {
  const char* text[3];
  const char* plain[3];
};

// An account that has posted on the platform before, but not in the
// window the account figures cover (feature_context.cc: 90 days).
constexpr double kDormantAgeDays = 90;

const Situation kNewAccount = {
    {"This account is new on this platform: no history yet for strangers "
     "to go on",
     "Dieses Konto ist neu auf dieser Plattform: noch kein Verlauf, an dem "
     "sich Fremde orientieren können",
     "这是该平台上的新账号：还没有可供陌生人参考的历史"},
    {nullptr, nullptr, nullptr}};
const Situation kDormantAccount = {
    {"This account has not posted on this platform in the last 90 days: no "
     "recent history for strangers to go on",
     "Dieses Konto hat in den letzten 90 Tagen nicht auf dieser Plattform "
     "gepostet: kein aktueller Verlauf, an dem sich Fremde orientieren "
     "können",
     "该账号近90天未在这个平台发帖：没有可供陌生人参考的近期历史"},
    {nullptr, nullptr, nullptr}};
const Situation kBalancedTopic = {
    {"New posts in '{topic}' and stranger demand were balanced this week",
     "Beim Thema „{topic}“ hielten sich neue Beiträge und Nachfrage von "
     "Fremden diese Woche die Waage",
     "本周「{topic}」话题的新帖供给与陌生人需求大致平衡"},
    {"New posts in its topic and stranger demand were balanced this week",
     "Beim Thema hielten sich neue Beiträge und Nachfrage von Fremden diese "
     "Woche die Waage",
     "本周该话题的新帖供给与陌生人需求大致平衡"}};

// A post without a topic (no words to tell it by, or a stored post not yet
// classified): its topic's market factors have no topic to speak of.
const Situation kNoTopic = {
    {"Its topic is not known (none could be told from its words, or it is "
     "not classified yet), so nothing is known of its topic's supply and "
     "demand",
     "Das Thema ist nicht bekannt (aus den Wörtern nicht erkennbar oder "
     "noch nicht eingeordnet), über Angebot und Nachfrage des Themas ist "
     "also nichts bekannt",
     "话题未知（无法从文字判断或尚未分类），因此不了解该话题的供需"},
    {nullptr, nullptr, nullptr}};

// No posts in the topic this week: the ratio is the smoothing's alone, not
// a comparison, so the factor's figure-free sentence is said.
const Situation kQuietTopic = {{nullptr, nullptr, nullptr},
                               {nullptr, nullptr, nullptr}};

// Supply within this factor of demand (either way) counts as balanced:
// "1.2× more new posts than demand" would make a crowd of a near tie.
constexpr double kBalancedRatio = 1.25;

// The situation `row` is in for `factor`, or null for the usual variants.
const Situation* SituationOf(absl::string_view factor,
                             absl::Span<const float> row,
                             absl::string_view topic_id) {
  if (topic_id.empty() &&
      (factor == "topic_saturation" || factor == "topic_demand" ||
       factor == "evergreen_topic")) {
    return &kNoTopic;
  }
  if (factor == "account_history" && At(row, kAcctPosts90dLog) == 0) {
    const double age_days = std::expm1(At(row, kAcctAgeDaysLog));
    return age_days >= kDormantAgeDays ? &kDormantAccount : &kNewAccount;
  }
  if (factor == "topic_saturation") {
    if (At(row, kTopicSupply7dLog) == 0) return &kQuietTopic;
    const double ratio = std::exp2(At(row, kTopicSaturationLog2));
    if (ratio >= 1 / kBalancedRatio && ratio <= kBalancedRatio) {
      return &kBalancedTopic;
    }
  }
  return nullptr;
}

std::string SituationMessage(const Situation& s, int lang,
                             absl::string_view topic_id,
                             const std::string& lang_code) {
  std::optional<std::string> filled =
      Fill(s.text[lang], {}, topic_id, lang_code);
  if (filled.has_value()) return *std::move(filled);
  return s.plain[lang] != nullptr ? s.plain[lang] : s.text[lang];
}

// Which variant to say: 0 = the first.
int Variant(absl::string_view factor, bool positive,
            absl::Span<const float> row) {
  if (factor == "topic_saturation") {
    return std::exp2(At(row, kTopicSaturationLog2)) < 1 ? 0 : 1;
  }
  if (factor == "follower_flattery") {
    const double gap = At(row, kEarlyFollowerCompletionRate) -
                       At(row, kEarlyStrangerCompletionRate);
    return gap > 0.1 ? 0 : 1;
  }
  return positive ? 0 : 1;
}

// Whether the judgement of variant `v` of `factor` agrees with the row's
// figure and the contribution's sign: praise needs a good figure, blame a
// bad one (docs/model.md "Explanations" lists the levels); the variants
// chosen by their figures must point the way the contribution does.
bool Agrees(absl::string_view factor, int v, bool positive,
            absl::Span<const float> row) {
  const double x = FactorValue(factor, row);
  const bool praise = v == 0;
  if (factor == "topic_demand") return false;  // no level: always plain
  if (factor == "topic_saturation") return praise == positive;
  if (factor == "follower_flattery") {
    // "Followers liked it; strangers left" is bad news; "reacted alike"
    // needs completion rates within 10 points of each other.
    if (praise) return !positive;
    return std::abs(At(row, kEarlyFollowerCompletionRate) -
                    At(row, kEarlyStrangerCompletionRate)) <= 0.1;
  }
  if (factor == "stranger_reaction" && praise &&
      !(At(row, kEarlyStrangerLikeRate) >= 0.005)) {
    return false;  // "... and liked it (0%)"
  }
  // Praise needs the figure at praise_from or above, blame below
  // blame_below.
  double praise_from, blame_below;
  if (factor == "account_history" || factor == "audience_on_platform") {
    // Stranger impressions per post (the default threshold); followers.
    praise_from = blame_below = 1000;
  } else if (factor == "niche_focus" || factor == "cadence" ||
             factor == "stranger_reaction") {
    praise_from = blame_below = 0.5;  // focus, regularity, completion rate
  } else if (factor == "evergreen_topic") {
    praise_from = blame_below = 1;  // later weeks earn as much as the first
  } else if (factor == "early_reach") {
    // "already reached N strangers" / "only N strangers saw it"
    praise_from = 100;
    blame_below = 1000;
  } else {
    return true;  // no figure judged
  }
  return praise ? x >= praise_from : x < blame_below;
}

// `plain` with the direction of the contribution, in `lang` (0 en, 1 de,
// 2 zh): a contribution compares the post with a typical one.
std::string WithDirection(const std::string& plain, bool positive, int lang) {
  static constexpr const char* kDirection[3][2] = {
      {"; compared with a typical post, that lowers its chances",
       "; compared with a typical post, that raises its chances"},
      {"; verglichen mit einem typischen Beitrag senkt das die Chancen",
       "; verglichen mit einem typischen Beitrag erhöht das die Chancen"},
      {"；与典型帖子相比，这降低了它的机会",
       "；与典型帖子相比，这提高了它的机会"}};
  return plain + kDirection[lang][positive ? 1 : 0];
}

}  // namespace

std::string TopicDisplayName(absl::string_view topic_id,
                             absl::string_view language) {
  static const auto* names = new std::vector<std::vector<std::string>>{
      {"Science & technology", "Wissenschaft & Technik", "科学技术"},
      {"Travel", "Reisen", "旅行"},
      {"Politics", "Politik", "政治"},
      {"Sports", "Sport", "体育"},
      {"Health", "Gesundheit", "健康"},
      {"Entertainment", "Unterhaltung", "娱乐"},
      {"Geography", "Geografie", "地理"}};
  const size_t lang = language == "de" ? 1 : language == "zh" ? 2 : 0;
  for (size_t i = 0; i < FeatureTopics().size(); ++i) {
    if (FeatureTopics()[i] == topic_id) return (*names)[i][lang];
  }
  return std::string(topic_id);
}

std::string FactorMessage(absl::string_view factor, bool positive,
                          absl::Span<const float> row,
                          absl::string_view topic_id,
                          absl::string_view language) {
  const int lang = language == "de" ? 1 : language == "zh" ? 2 : 0;
  const std::string lang_code = lang == 1 ? "de" : lang == 2 ? "zh" : "en";
  const Situation* situation = SituationOf(factor, row, topic_id);
  if (situation != nullptr && situation != &kQuietTopic) {
    return SituationMessage(*situation, lang, topic_id, lang_code);
  }
  for (const FactorSentences& s : FactorSentenceTable()) {
    if (factor != s.factor) continue;
    const char* missing = s.missing[lang];
    // A factor whose headline figure is missing says so, also when its
    // sentences name no figure (cadence under 3 posts).
    if (situation != nullptr ||
        (missing != nullptr && std::isnan(FactorValue(factor, row)))) {
      return missing != nullptr ? missing : std::string(factor);
    }
    const int v = Variant(factor, positive, row);
    const bool plain =
        s.plain[lang] != nullptr && !Agrees(factor, v, positive, row);
    const char* text = plain       ? s.plain[lang]
                       : lang == 1 ? s.de[v]
                       : lang == 2 ? s.zh[v]
                                   : s.en[v];
    std::optional<std::string> filled = Fill(text, row, topic_id, lang_code);
    if (!filled.has_value()) {
      return missing != nullptr ? missing : std::string(factor);
    }
    return plain ? WithDirection(*filled, positive, lang) : *std::move(filled);
  }
  return std::string(factor);
}

}  // namespace reachrank::ranking
