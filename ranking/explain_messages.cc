// The sentences of the explanation factors in en, de and zh. Each factor
// has two variants: the first when the factor helped (or, for
// topic_saturation and follower_flattery, when the figures say so), the
// second otherwise. Placeholders are filled from the row.
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "ranking/explain.h"
#include "ranking/feature_names.h"

namespace reachrank::ranking {
namespace {

struct Sentences {
  const char* factor;
  const char* en[2];
  const char* de[2];
  const char* zh[2];
};

const std::vector<Sentences>& Table() {
  static const auto* table = new std::vector<Sentences>{
      {"topic",
       {"The topic '{topic}' draws strangers on this platform",
        "The topic '{topic}' draws few strangers on this platform"},
       {"Das Thema „{topic}“ zieht auf dieser Plattform Fremde an",
        "Das Thema „{topic}“ zieht auf dieser Plattform wenige Fremde an"},
       {"「{topic}」话题在这个平台上吸引陌生人",
        "「{topic}」话题在这个平台上很少吸引陌生人"}},
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
        "本周「{topic}」话题的新帖数量是陌生人需求的{ratio}倍"}},
      {"topic_demand",
       {"Strangers engage with '{topic}': {rate}% of their impressions led to "
        "an engagement this week",
        "Strangers rarely engage with '{topic}': only {rate}% of their "
        "impressions led to an engagement this week"},
       {"Fremde reagieren auf „{topic}“: {rate} % ihrer Impressionen führten "
        "diese Woche zu einer Interaktion",
        "Fremde reagieren selten auf „{topic}“: nur {rate} % ihrer "
        "Impressionen führten diese Woche zu einer Interaktion"},
       {"陌生人愿意互动「{topic}」：本周{rate}%的曝光带来了互动",
        "陌生人很少互动「{topic}」：本周仅{rate}%的曝光带来了互动"}},
      {"evergreen_topic",
       {"'{topic}' is evergreen: older posts keep earning stranger views "
        "({evergreen}× their first week)",
        "'{topic}' fades fast: posts earn little after their first week"},
       {"„{topic}“ ist zeitlos: ältere Beiträge erhalten weiter Aufrufe von "
        "Fremden (das {evergreen}-Fache der ersten Woche)",
        "„{topic}“ verblasst schnell: nach der ersten Woche kommt wenig dazu"},
       {"「{topic}」是常青话题：旧帖仍持续获得陌生人观看（首周的{evergreen}倍）",
        "「{topic}」热度消退快：首周之后几乎没有新增观看"}},
      {"utility",
       {"It reads as useful (how-to, steps or figures), which strangers save "
        "and share",
        "It does not read as useful: no how-to, steps or figures"},
       {"Der Beitrag wirkt nützlich (Anleitung, Schritte oder Zahlen), das "
        "speichern und teilen Fremde",
        "Der Beitrag wirkt nicht nützlich: keine Anleitung, Schritte oder "
        "Zahlen"},
       {"内容看起来有用（教程、步骤或数据），陌生人愿意收藏和分享",
        "内容看起来不够有用：没有教程、步骤或数据"}},
      {"daily_life",
       {"It is not another daily-life post",
        "Daily-life posts compete with millions of their kind"},
       {"Es ist kein weiterer Alltagsbeitrag",
        "Alltagsbeiträge konkurrieren mit Millionen ähnlicher Beiträge"},
       {"它不是又一条日常记录", "日常记录类内容要和数以百万计的同类竞争"}},
      {"format",
       {"Its format (media, length, hashtags) suits this platform",
        "Its format (media, length, hashtags) holds it back here"},
       {"Das Format (Medium, Länge, Hashtags) passt zu dieser Plattform",
        "Das Format (Medium, Länge, Hashtags) bremst den Beitrag hier"},
       {"它的形式（媒体、长度、话题标签）适合这个平台",
        "它的形式（媒体、长度、话题标签）在这里不占优势"}},
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
        "你最近的帖子很少触达陌生人：平均每帖约{reach}次陌生人曝光"}},
      {"niche_focus",
       {"You post consistently in one niche on this platform ({focus}% "
        "focus)",
        "Your posts spread over many topics on this platform ({focus}% "
        "focus)"},
       {"Du postest auf dieser Plattform beständig in einer Nische "
        "({focus} % Fokus)",
        "Deine Beiträge verteilen sich auf viele Themen ({focus} % Fokus)"},
       {"你在这个平台上持续专注一个领域（专注度{focus}%）",
        "你在这个平台上的内容分散在很多话题（专注度{focus}%）"}},
      {"cadence",
       {"You post on a regular schedule", "Your posting is irregular"},
       {"Du postest regelmäßig", "Du postest unregelmäßig"},
       {"你的发帖节奏很规律", "你的发帖节奏不规律"}},
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
        "你在这个平台的受众还很少（{followers}位粉丝）"}},
      {"followers_elsewhere",
       {"Followers on other platforms help a little ({elsewhere})",
        "Followers on other platforms do not carry over here"},
       {"Follower auf anderen Plattformen helfen ein wenig ({elsewhere})",
        "Follower auf anderen Plattformen zählen hier nicht"},
       {"其他平台的粉丝略有帮助（{elsewhere}）", "其他平台的粉丝不会带到这里"}},
      {"early_reach",
       {"It already reached {impr} strangers in {age} hours",
        "Only {impr} strangers saw it in its first {age} hours"},
       {"Er hat in {age} Stunden schon {impr} Fremde erreicht",
        "In den ersten {age} Stunden sahen ihn nur {impr} Fremde"},
       {"发布{age}小时内已触达{impr}位陌生人", "发布后{age}小时内只有{impr}位陌生人看到"}},
      {"stranger_reaction",
       {"Strangers watched to the end ({sc}%) and liked it ({sl}%)",
        "Strangers left before the end: {sc}% finished it, {sl}% liked it"},
       {"Fremde schauten bis zum Ende ({sc} %) und likten ({sl} %)",
        "Fremde sind vor dem Ende gegangen: {sc} % bis zum Schluss, {sl} % "
        "Likes"},
       {"陌生人看完了（完播率{sc}%）并点赞（{sl}%）",
        "陌生人没看完就离开了：完播率{sc}%，点赞率{sl}%"}},
      {"follower_flattery",
       {"Followers liked it; strangers left before the end ({fc}% vs {sc}% "
        "finished)",
        "Followers and strangers reacted alike ({fc}% vs {sc}% finished)"},
       {"Follower mochten es; Fremde sind vor dem Ende gegangen ({fc} % vs. "
        "{sc} % bis zum Schluss)",
        "Follower und Fremde reagierten ähnlich ({fc} % vs. {sc} % bis zum "
        "Schluss)"},
       {"粉丝喜欢它；陌生人没看完就离开了（完播率{fc}%对{sc}%）",
        "粉丝和陌生人的反应相近（完播率{fc}%对{sc}%）"}},
  };
  return *table;
}

double At(absl::Span<const float> row, int f) {
  return static_cast<size_t>(f) < row.size() ? row[f] : std::nan("");
}

std::string Number(double x) {
  if (!std::isfinite(x)) return "?";
  if (std::abs(x) >= 10) return absl::StrFormat("%.0f", x);
  std::string s = absl::StrFormat("%.1f", x);
  if (absl::EndsWith(s, ".0")) s.resize(s.size() - 2);
  return s;
}

std::string Percent(double x) {
  return std::isfinite(x) ? absl::StrFormat("%.0f", 100 * x) : "?";
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
  for (const Sentences& s : Table()) {
    if (factor != s.factor) continue;
    const int v = Variant(factor, positive, row);
    const char* text = language == "de"   ? s.de[v]
                       : language == "zh" ? s.zh[v]
                                          : s.en[v];
    const std::string lang = language == "de" || language == "zh"
                                 ? std::string(language)
                                 : "en";
    return absl::StrReplaceAll(
        text,
        {{"{topic}", TopicDisplayName(topic_id, lang)},
         {"{ratio}", Number(std::exp2(At(row, kTopicSaturationLog2)))},
         {"{rate}", Percent(At(row, kTopicStrangerEngagementRate))},
         {"{evergreen}", Number(At(row, kTopicEvergreenRatio))},
         {"{reach}", Number(std::expm1(At(row, kAcctStrangerReachLog)))},
         {"{focus}", Percent(At(row, kAcctNicheFocus))},
         {"{followers}", Number(std::expm1(At(row, kAcctFollowersLog)))},
         {"{elsewhere}",
          Number(std::expm1(At(row, kAcctFollowersElsewhereLog)))},
         {"{impr}", Number(std::expm1(At(row, kEarlyImprStrangerLog)))},
         {"{age}", Number(At(row, kEarlyPostAgeHours))},
         {"{sc}", Percent(At(row, kEarlyStrangerCompletionRate))},
         {"{fc}", Percent(At(row, kEarlyFollowerCompletionRate))},
         {"{sl}", Percent(At(row, kEarlyStrangerLikeRate))}});
  }
  return std::string(factor);
}

}  // namespace reachrank::ranking
