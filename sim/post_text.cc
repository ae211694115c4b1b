#include "sim/post_text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/time_util.h"

namespace reachrank::sim {
namespace {

// How-to phrasing (utility) and daily-life phrasing, per language. The
// ranking engine's cue detector looks for the same kinds of phrases.
const std::vector<std::string>& UtilityCues(const std::string& language) {
  static const auto* en = new std::vector<std::string>{
      "How to:", "Step by step:", "5 tips:", "Guide:", "Review:",
      "Tutorial:"};
  static const auto* de = new std::vector<std::string>{
      "Anleitung:", "Schritt für Schritt:", "5 Tipps:", "So geht's:",
      "Test:", "Ratgeber:"};
  static const auto* zh = new std::vector<std::string>{
      "教程：", "攻略：", "五个技巧：", "步骤：", "测评：", "干货："};
  return language == "de" ? *de : language == "zh" ? *zh : *en;
}

const std::vector<std::string>& DailyCues(const std::string& language) {
  static const auto* en = new std::vector<std::string>{
      "My day:", "Vlog:", "Today I", "Just me:"};
  static const auto* de = new std::vector<std::string>{
      "Mein Tag:", "Vlog:", "Heute habe ich", "Einfach so:"};
  static const auto* zh = new std::vector<std::string>{
      "日常：", "今天", "记录生活：", "随手拍："};
  return language == "de" ? *de : language == "zh" ? *zh : *en;
}

const std::string& PickFrom(const std::vector<std::string>& v, Rng& rng) {
  return v[rng.Below(v.size())];
}

std::string MakeText(const std::string& language, const std::string& topic,
                     bool utility, const Corpus& corpus, Rng& rng) {
  const std::vector<std::string>& sentences =
      corpus.Sentences(language, topic);
  std::string sentence = sentences.empty() ? topic : PickFrom(sentences, rng);
  const std::string sep = language == "zh" ? "" : " ";
  if (utility) return absl::StrCat(PickFrom(UtilityCues(language), rng), sep,
                                   sentence);
  if (rng.Bernoulli(0.3)) {
    return absl::StrCat(PickFrom(DailyCues(language), rng), sep, sentence);
  }
  return sentence;
}

void SetMedia(const std::string& platform, Rng& rng, v1::Post& post) {
  if (platform == "wechat_channels" && rng.Bernoulli(0.4)) {
    post.set_media_kind(v1::MEDIA_KIND_ARTICLE);
    return;
  }
  if (rng.Bernoulli(0.08)) {
    post.set_media_kind(v1::MEDIA_KIND_IMAGE);
    return;
  }
  post.set_media_kind(v1::MEDIA_KIND_VIDEO);
  const double lo = platform == "youtube" ? 120 : 10;
  const double hi = platform == "youtube" ? 1200 : 120;
  post.set_duration_seconds(static_cast<int>(rng.Uniform(lo, hi)));
}

}  // namespace

v1::Post MakePost(const World& world, const PlannedPost& planned,
                  const std::string& post_id, const Corpus& corpus, Rng& rng) {
  const Account& account = world.accounts[planned.account];
  const Person& person = world.people[account.person];
  const std::string& topic = Topics()[planned.topic].id;
  v1::Post post;
  post.set_post_id(post_id);
  post.set_platform(account.platform);
  post.set_author_id(account.author_id);
  *post.mutable_created_at() = google::protobuf::util::TimeUtil::
      SecondsToTimestamp(absl::ToUnixSeconds(planned.created_at));
  post.set_text(MakeText(person.language, topic, planned.utility, corpus, rng));
  if (rng.Bernoulli(0.7)) post.set_language(person.language);
  SetMedia(account.platform, rng, post);
  if (rng.Bernoulli(0.6)) {
    post.add_hashtags(absl::StrReplaceAll(topic, {{"/", "_"}}));
  }
  if (planned.utility && rng.Bernoulli(0.5)) post.add_hashtags("howto");
  return post;
}

}  // namespace reachrank::sim
