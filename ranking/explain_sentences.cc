#include "ranking/explain_sentences.h"

namespace reachrank::ranking {
namespace {

constexpr char kDemandEn[] =
    "Strangers made {rate} engagements (completions included) per 100 "
    "impressions of '{topic}' this week";
constexpr char kDemandDe[] =
    "Fremde kamen diese Woche auf {rate} Interaktionen (vollständige "
    "Wiedergaben eingeschlossen) pro 100 Impressionen von „{topic}“";
constexpr char kDemandZh[] =
    "本周陌生人对「{topic}」每100次曝光产生{rate}次互动（含完播）";

}  // namespace

const std::vector<FactorSentences>& FactorSentenceTable() {
  static const auto* table = new std::vector<FactorSentences>{
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
       {"Der Beitrag wirkt nützlich (Anleitung, Schritte oder Zahlen), was "
        "Fremde speichern und teilen",
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

}  // namespace reachrank::ranking
