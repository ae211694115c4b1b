#include "storage/post_rows.h"

#include "absl/container/flat_hash_set.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace reachrank::storage {

int64_t CreatedMs(const PostRecord& record) {
  const auto& t = record.post().created_at();
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

std::string AuthorPostKeyOf(const PostRecord& record) {
  return keys::AuthorPostKey(record.post().platform(),
                             record.post().author_id(), CreatedMs(record),
                             record.post().post_id());
}

absl::string_view TopTopicOf(const PostRecord& record) {
  if (!record.classified() || record.topics_size() == 0) return "";
  return record.topics(0).topic_id();
}

std::string AuthorPostValueOf(const PostRecord& record) {
  return std::string(TopTopicOf(record));
}

bool SameEngagementRows(const PostRecord& a, const PostRecord& b) {
  return a.post().platform() == b.post().platform() &&
         a.post().author_id() == b.post().author_id() &&
         TopTopicOf(a) == TopTopicOf(b);
}

void AddPostRows(const PostRecord& record, int64_t sign, PostDeltas* deltas) {
  const v1::Post& post = record.post();
  const int32_t day = DayOf(absl::FromUnixMillis(CreatedMs(record)));
  deltas->author_days[keys::DayKey(post.platform(), post.author_id(), day)].Add(
      kPostsPublished, sign);
  const absl::string_view top = TopTopicOf(record);
  if (top.empty()) return;
  deltas->topic_days[keys::DayKey(post.platform(), top, day)].Add(
      kPostsPublished, sign);
  absl::flat_hash_set<absl::string_view> seen;
  for (const v1::TopicScore& topic : record.topics()) {
    if (!keys::IsValidPart(topic.topic_id())) continue;
    if (!seen.insert(topic.topic_id()).second) continue;
    deltas->topic_days[keys::DayKey(post.platform(), topic.topic_id(), day)]
        .Add(kPostsClassified, sign);
  }
}

void AddPostEngagement(const PostRecord& record,
                       absl::Span<const HourCounters> hours, int64_t sign,
                       PostDeltas* deltas) {
  const v1::Post& post = record.post();
  const absl::string_view top = TopTopicOf(record);
  auto add = [sign](const Counters& hour, Counters& row) {
    for (const auto& [cell, value] : hour.cells()) row.Add(cell, sign * value);
  };
  for (const HourCounters& hour : hours) {
    const int32_t day = DayOf(absl::FromUnixSeconds(int64_t{hour.hour} * 3600));
    add(hour.counters, deltas->author_days[keys::DayKey(
                           post.platform(), post.author_id(), day)]);
    if (top.empty()) continue;
    add(hour.counters,
        deltas->topic_days[keys::DayKey(post.platform(), top, day)]);
  }
}

void AddPostShare(const PostRecord& record,
                  absl::Span<const HourCounters> hours, PostDeltas* deltas) {
  AddPostRows(record, +1, deltas);
  AddPostEngagement(record, hours, +1, deltas);
}

}  // namespace reachrank::storage
