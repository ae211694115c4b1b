// The sentences of the explanation factors in en, de and zh. Each factor
// has two variants: the first when the factor helped (or, for
// topic_saturation and follower_flattery, when the figures say so), the
// second otherwise. A variant judges its figure ("still small", "rarely
// reached strangers"); when the figure contradicts that judgement (a tree
// model weighs a figure against the typical post, and a factor sums several
// features) the factor's plain statement of the figure is said instead,
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
#include "ranking/feature_names.h"

namespace reachrank::ranking {
namespace {

struct Sentences {
  const char* factor;
  const char* en[2];
  const char* de[2];
  const char* zh[2];
  // en, de, zh: said instead when a figure the chosen sentence names is
  // missing; no placeholders. Null for factors without figures.
  const char* missing[3];
  // en, de, zh: the figure stated without judgement, for when it
  // contradicts the variant's (Agrees); the direction follows. Null when
  // every variant agrees with any figure.
  const char* plain[3] = {nullptr, nullptr, nullptr};
};

constexpr char kDemandEn[] =
    "Strangers made {rate} engagements (completions included) per 100 "
    "impressions of '{topic}' this week";
constexpr char kDemandDe[] =
    "Fremde kamen diese Woche auf {rate} Interaktionen (vollständige "
    "Wiedergaben eingeschlossen) pro 100 Impressionen von „{topic}“";
constexpr char kDemandZh[] =
    "本周陌生人对「{topic}」每100次曝光产生{rate}次互动（含完播）";

const std::vector<Sentences>& Table() {
  static const auto* table = new std::vector<Sentences>{
      {"topic",
       {"The topic '{topic}' draws strangers on this platform",
        "The topic '{topic}' draws few strangers on this platform"},
       {"Das Thema „{topic}“ zieht auf dieser Plattform Fremde an",
        "Das Thema „{topic}“ zieht auf dieser Plattform wenige Fremde an"},
       {"「{topic}」话题在这个平台上吸引陌生人",
        "「{topic}」话题在这个平台上很少吸引陌生人"},
       {"Its topic is not known yet", "Das Thema ist noch nicht bekannt",
        "还不知道它的话题"}},
      {"topic_saturation",
       {"Strangers want more '{topic}' than is posted: new posts were only "
        "{ratio}× of stranger demand this week",
        "The topic '{topic}' had {ratio}× more new posts than stranger demand "
        "this week"},
       {"Fremde wollen mehr „{topic}“, als gepostet wird: neue Beiträge "
        "erreichten diese Woche nur das {ratio}-Fache der Nachfrage",
        "Das Thema „{topic}“ hatte diese Woche {ratio}× mehr neue Beiträge "
        "als Nachfrage von Fremden"},
       {"陌生人对「{topic}」的需求大于供给：本周新帖仅为需求的{ratio}倍",
        "本周「{topic}」话题的新帖数量是陌生人需求的{ratio}倍"},
       {"Too few posts this week to compare its topic's new posts with "
        "stranger demand",
        "Diese Woche gab es zu wenige Beiträge, um Angebot und Nachfrage "
        "von Fremden für das Thema zu vergleichen",
        "本周帖子太少，无法比较该话题的新帖与陌生人需求"},
       {"New posts in '{topic}' were {ratio}× stranger demand this week",
        "Neue Beiträge zum Thema „{topic}“ erreichten diese Woche das "
        "{ratio}-Fache der Nachfrage von Fremden",
        "本周「{topic}」话题的新帖数量是陌生人需求的{ratio}倍"}},
      // Its rate has no level that is good or bad on every platform: the
      // figure is always stated plainly, with its direction (Agrees).
      {"topic_demand",
       {kDemandEn, kDemandEn},
       {kDemandDe, kDemandDe},
       {kDemandZh, kDemandZh},
       {"No stranger impressions of its topic this week yet",
        "Diese Woche noch keine Impressionen von Fremden zu diesem Thema",
        "本周该话题还没有陌生人曝光"},
       {kDemandEn, kDemandDe, kDemandZh}},
      {"evergreen_topic",
       {"'{topic}' is evergreen: older posts keep earning stranger "
        "impressions ({evergreen}× their first week)",
        "'{topic}' fades fast: posts earn little after their first week"},
       {"„{topic}“ ist zeitlos: ältere Beiträge erhalten weiter Impressionen "
        "von Fremden (das {evergreen}-Fache der ersten Woche)",
        "„{topic}“ verblasst schnell: nach der ersten Woche kommt wenig dazu"},
       {"「{topic}」是常青话题：旧帖仍持续获得陌生人曝光（首周的{evergreen}"
        "倍）",
        "「{topic}」热度消退快：首周之后几乎没有新增观看"},
       {"Not enough history to tell whether its topic stays in demand",
        "Zu wenig Verlauf, um zu sagen, ob das Thema gefragt bleibt",
        "历史数据不足，无法判断该话题是否长青"},
       {"Posts in '{topic}' earn {evergreen}× their first week's stranger "
        "impressions in the weeks after",
        "Beiträge zu „{topic}“ erhalten in den Wochen danach das "
        "{evergreen}-Fache der Impressionen von Fremden ihrer ersten Woche",
        "「{topic}」的帖子在之后几周获得的陌生人曝光是首周的{evergreen}倍"}},
      {"utility",
       {"It reads as useful (how-to, steps or figures), which strangers save "
        "and share",
        "It does not read as useful: no how-to, steps or figures"},
       {"Der Beitrag wirkt nützlich (Anleitung, Schritte oder Zahlen), das "
        "speichern und teilen Fremde",
        "Der Beitrag wirkt nicht nützlich: keine Anleitung, Schritte oder "
        "Zahlen"},
       {"内容看起来有用（教程、步骤或数据），陌生人愿意收藏和分享",
        "内容看起来不够有用：没有教程、步骤或数据"},
       {nullptr, nullptr, nullptr}},
      {"daily_life",
       {"It is not another daily-life post",
        "Daily-life posts compete with millions of their kind"},
       {"Es ist kein weiterer Alltagsbeitrag",
        "Alltagsbeiträge konkurrieren mit Millionen ähnlicher Beiträge"},
       {"它不是又一条日常记录", "日常记录类内容要和数以百万计的同类竞争"},
       {nullptr, nullptr, nullptr}},
      {"format",
       {"Its format (media, length, hashtags) suits this platform",
        "Its format (media, length, hashtags) holds it back here"},
       {"Das Format (Medium, Länge, Hashtags) passt zu dieser Plattform",
        "Das Format (Medium, Länge, Hashtags) bremst den Beitrag hier"},
       {"它的形式（媒体、长度、话题标签）适合这个平台",
        "它的形式（媒体、长度、话题标签）在这里不占优势"},
       {nullptr, nullptr, nullptr}},
      {"account_history",
       {"Your recent posts reached strangers: about {reach} stranger "
        "impressions per post",
        "Your recent posts rarely reached strangers: about {reach} stranger "
        "impressions per post"},
       {"Deine letzten Beiträge erreichten Fremde: etwa {reach} Impressionen "
        "von Fremden pro Beitrag",
        "Deine letzten Beiträge erreichten selten Fremde: etwa {reach} "
        "Impressionen von Fremden pro Beitrag"},
       {"你最近的帖子触达了陌生人：平均每帖约{reach}次陌生人曝光",
        "你最近的帖子很少触达陌生人：平均每帖约{reach}次陌生人曝光"},
       {"You are new on this platform: no post history yet",
        "Du bist neu auf dieser Plattform: noch keine Beiträge",
        "你是这个平台的新账号：还没有发帖记录"},
       {"Your recent posts had about {reach} stranger impressions each",
        "Deine letzten Beiträge hatten je etwa {reach} Impressionen von "
        "Fremden",
        "你最近的帖子平均每帖约{reach}次陌生人曝光"}},
      {"niche_focus",
       {"You post consistently in one niche on this platform ({focus}% "
        "focus)",
        "Your posts spread over many topics on this platform ({focus}% "
        "focus)"},
       {"Du postest auf dieser Plattform beständig in einer Nische "
        "({focus} % Fokus)",
        "Deine Beiträge verteilen sich auf viele Themen ({focus} % Fokus)"},
       {"你在这个平台上持续专注一个领域（专注度{focus}%）",
        "你在这个平台上的内容分散在很多话题（专注度{focus}%）"},
       {"You have no classified posts on this platform yet, so no niche",
        "Noch keine eingeordneten Beiträge auf dieser Plattform, also keine "
        "Nische",
        "你在这个平台上还没有已分类的帖子，尚无专注领域"},
       {"Your posts on this platform have {focus}% niche focus",
        "Deine Beiträge auf dieser Plattform haben {focus} % Nischenfokus",
        "你在这个平台上的内容专注度为{focus}%"}},
      {"cadence",
       {"You post on a regular schedule", "Your posting is irregular"},
       {"Du postest regelmäßig", "Du postest unregelmäßig"},
       {"你的发帖节奏很规律", "你的发帖节奏不规律"},
       {"Too few posts on this platform yet to judge your posting rhythm",
        "Noch zu wenige Beiträge auf dieser Plattform, um deinen Rhythmus "
        "zu beurteilen",
        "你在这个平台的帖子还太少，无法判断发帖节奏"},
       {"Your posting rhythm on this platform is {regularity}% regular",
        "Dein Rhythmus auf dieser Plattform ist zu {regularity} % "
        "regelmäßig",
        "你在这个平台的发帖规律度为{regularity}%"}},
      {"audience_on_platform",
       {"Your audience on this platform ({followers} followers) helps the "
        "post get started",
        "Your audience on this platform is still small ({followers} "
        "followers)"},
       {"Dein Publikum auf dieser Plattform ({followers} Follower) gibt dem "
        "Beitrag Anschub",
        "Dein Publikum auf dieser Plattform ist noch klein ({followers} "
        "Follower)"},
       {"你在这个平台的受众（{followers}位粉丝）帮助帖子起步",
        "你在这个平台的受众还很少（{followers}位粉丝）"},
       {"You are new on this platform: no followers yet",
        "Du bist neu auf dieser Plattform: noch keine Follower",
        "你是这个平台的新账号：还没有粉丝"},
       {"You have {followers} followers on this platform",
        "Du hast {followers} Follower auf dieser Plattform",
        "你在这个平台有{followers}位粉丝"}},
      {"followers_elsewhere",
       {"Followers on other platforms help a little ({elsewhere})",
        "Followers on other platforms do not carry over here"},
       {"Follower auf anderen Plattformen helfen ein wenig ({elsewhere})",
        "Follower auf anderen Plattformen zählen hier nicht"},
       {"其他平台的粉丝略有帮助（{elsewhere}）", "其他平台的粉丝不会带到这里"},
       {"No followers on other platforms are known",
        "Keine Follower auf anderen Plattformen bekannt",
        "没有已知的其他平台粉丝"}},
      {"early_reach",
       {"It already reached {impr} strangers in {age} hours",
        "Only {impr} strangers saw it in its first {age} hours"},
       {"Er hat in {age} Stunden schon {impr} Fremde erreicht",
        "In den ersten {age} Stunden sahen ihn nur {impr} Fremde"},
       {"发布{age}小时内已触达{impr}位陌生人",
        "发布后{age}小时内只有{impr}位陌生人看到"},
       {"There are no early stranger figures yet",
        "Noch keine frühen Zahlen zu Fremden", "还没有早期的陌生人数据"},
       {"{impr} strangers saw it in its first {age} hours",
        "In den ersten {age} Stunden sahen ihn {impr} Fremde",
        "发布后{age}小时内有{impr}位陌生人看到"}},
      {"stranger_reaction",
       {"Strangers watched to the end ({sc}%) and liked it ({sl}%)",
        "Strangers left before the end: {sc}% finished it, {sl}% liked it"},
       {"Fremde schauten bis zum Ende ({sc} %) und likten ({sl} %)",
        "Fremde sind vor dem Ende gegangen: {sc} % bis zum Schluss, {sl} % "
        "Likes"},
       {"陌生人看完了（完播率{sc}%）并点赞（{sl}%）",
        "陌生人没看完就离开了：完播率{sc}%，点赞率{sl}%"},
       {"Too few strangers have watched it yet to judge their reaction",
        "Noch zu wenige Fremde haben ihn gesehen, um ihre Reaktion zu "
        "beurteilen",
        "看过的陌生人还太少，无法判断他们的反应"},
       {"{sc}% of strangers finished it and {sl}% liked it",
        "{sc} % der Fremden schauten bis zum Ende, {sl} % likten",
        "陌生人完播率{sc}%，点赞率{sl}%"}},
      {"follower_flattery",
       {"Followers liked it; strangers left before the end ({fc}% vs {sc}% "
        "finished)",
        "Followers and strangers reacted alike ({fc}% vs {sc}% finished)"},
       {"Follower mochten es; Fremde sind vor dem Ende gegangen ({fc} % vs. "
        "{sc} % bis zum Schluss)",
        "Follower und Fremde reagierten ähnlich ({fc} % vs. {sc} % bis zum "
        "Schluss)"},
       {"粉丝喜欢它；陌生人没看完就离开了（完播率{fc}%对{sc}%）",
        "粉丝和陌生人的反应相近（完播率{fc}%对{sc}%）"},
       {"Too few views yet to compare followers with strangers",
        "Noch zu wenige Aufrufe, um Follower und Fremde zu vergleichen",
        "观看还太少，无法比较粉丝和陌生人"},
       {"{fc}% of followers and {sc}% of strangers finished it",
        "{fc} % der Follower und {sc} % der Fremden schauten bis zum Ende",
        "粉丝完播率{fc}%，陌生人完播率{sc}%"}},
  };
  return *table;
}

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
// der ersten Stunde"); a "1" right after a digit, '.' or ',' is part of a
// larger number and left alone. Chinese has no plural.
std::string Singular(std::string text, absl::string_view lang) {
  static constexpr std::pair<const char*, const char*> kEn[] = {
      {"1 followers", "1 follower"},
      {"1 strangers", "1 stranger"},
      {"1 hours", "1 hour"}};
  static constexpr std::pair<const char*, const char*> kDe[] = {
      {"den ersten 1 Stunden", "der ersten Stunde"}, {"1 Stunden", "1 Stunde"}};
  const auto fix =
      [&text](absl::Span<const std::pair<const char*, const char*>> forms) {
        for (const auto& [plural, singular] : forms) {
          const std::string p = plural;
          const size_t one = p.find('1');
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
  for (const Sentences& s : Table()) {
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
