#include "services/batch/history_export.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "storage/counters.h"

namespace reachrank::batch {
namespace {

constexpr size_t kPage = 1000;

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  // Serialising a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

// `a` as ToJson, with followersElsewhere's keys in order: protobuf prints
// a map in its hash order, which differs between runs, so that two exports
// of one database would differ.
std::string AuthorJson(const v1::Author& a) {
  std::string text = ToJson(a);
  if (a.followers_elsewhere_size() < 2) return text;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
  nlohmann::json sorted = j["followersElsewhere"];  // std::map: sorted keys
  j["followersElsewhere"] = nlohmann::ordered_json::parse(sorted.dump());
  return j.dump();
}

// Cells of one import line at most, and events they make at most (a cell
// makes one per million of its count): below what `reachrank import`
// accepts in one line (1 MiB, 10,000 events) with room for the post.
constexpr size_t kMaxLineCells = 2000;
constexpr int64_t kMaxLineEvents = 10000;

// The counts of one hour, as import cells, appended to `cells`.
void AppendHour(const storage::HourCounters& row,
                std::vector<std::pair<std::string, int64_t>>& cells) {
  const std::string at = absl::FormatTime(
      "%Y-%m-%dT%H:00:00Z", absl::FromUnixSeconds(int64_t{row.hour} * 3600),
      absl::UTCTimeZone());
  for (const auto& [cell, value] : row.counters.cells()) {
    if (cell >= storage::kWatchBase || value <= 0) continue;
    const auto type = static_cast<v1::EventType>(cell % storage::kEventTypes);
    const uint32_t sr = cell / storage::kEventTypes;
    const auto relation = static_cast<v1::Relation>(sr % storage::kRelations);
    const auto surface = static_cast<v1::Surface>(sr / storage::kRelations);
    std::string text = absl::StrCat(
        "{\"surface\":\"", v1::Surface_Name(surface), "\",\"relation\":\"",
        v1::Relation_Name(relation), "\",\"type\":\"", v1::EventType_Name(type),
        "\",\"count\":", value);
    if (type == v1::EVENT_TYPE_VIEW) {
      const int64_t watch =
          row.counters.Get(storage::WatchCell(surface, relation));
      if (watch > 0) absl::StrAppend(&text, ",\"watch_ms\":", watch);
    }
    absl::StrAppend(&text, ",\"at\":\"", at, "\"}");
    cells.emplace_back(std::move(text), (value + 999999) / 1000000);
  }
}

absl::Status CheckStream(const std::ostream& out, const char* what) {
  if (out) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("cannot write the ", what));
}

absl::StatusOr<int64_t> ExportAuthors(storage::Store& store,
                                      const ShardSlice& shard,
                                      std::ostream& out) {
  int64_t written = 0;
  std::optional<storage::AuthorId> after;
  for (;;) {
    RR_ASSIGN_OR_RETURN(std::vector<v1::Author> page,
                        store.ListAuthors(kPage, after));
    for (const v1::Author& a : page) {
      if (!shard.Owns(a.platform(), a.author_id())) continue;
      out << AuthorJson(a) << "\n";
      ++written;
    }
    RR_RETURN_IF_ERROR(CheckStream(out, "authors"));
    if (page.size() < kPage) return written;
    after = storage::AuthorId{page.back().platform(), page.back().author_id()};
  }
}

}  // namespace

std::vector<std::string> HistoryLines(
    const v1::Post& post, const std::vector<storage::HourCounters>& hours,
    int64_t* cells) {
  std::vector<std::pair<std::string, int64_t>> all;
  for (const storage::HourCounters& row : hours) AppendHour(row, all);
  *cells += static_cast<int64_t>(all.size());
  // A duration on a post that is not a video, stored before the rule
  // that refuses it (ingest::DurationRule), is dropped: the import
  // applies the rule, and the post would be lost with its counts.
  v1::Post exported = post;
  if (exported.media_kind() != v1::MEDIA_KIND_VIDEO) {
    exported.set_duration_seconds(0);
  }
  const std::string head =
      absl::StrCat("{\"post\":", ToJson(exported), ",\"counts\":[");
  std::vector<std::string> lines;
  std::string counts;
  size_t in_line = 0;
  int64_t events = 0;
  for (const auto& [text, makes] : all) {
    if (in_line > 0 &&
        (in_line == kMaxLineCells || events + makes > kMaxLineEvents)) {
      lines.push_back(absl::StrCat(head, counts, "]}"));
      counts.clear();
      in_line = 0;
      events = 0;
    }
    absl::StrAppend(&counts, in_line == 0 ? "" : ",", text);
    ++in_line;
    events += makes;
  }
  lines.push_back(absl::StrCat(head, counts, "]}"));
  return lines;
}

absl::StatusOr<HistoryExportSummary> ExportHistory(
    storage::Store& store, const ShardSlice& shard, std::ostream& posts,
    std::ostream* authors, const HourRange& range) {
  HistoryExportSummary summary;
  std::optional<std::string> after;
  for (;;) {
    RR_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                        store.ListPostIds(kPage, after));
    RR_ASSIGN_OR_RETURN(auto records, store.MultiGetPosts(ids));
    for (const std::optional<storage::PostRecord>& record : records) {
      if (!record.has_value()) continue;  // removed since the listing
      const v1::Post& post = record->post();
      if (!shard.Owns(post.platform(), post.author_id())) continue;
      RR_ASSIGN_OR_RETURN(std::vector<storage::HourCounters> hours,
                          store.PostHours(post.post_id()));
      hours.erase(std::remove_if(hours.begin(), hours.end(),
                                 [&range](const storage::HourCounters& h) {
                                   return !range.Contains(h.hour);
                                 }),
                  hours.end());
      for (const std::string& line :
           HistoryLines(post, hours, &summary.cells)) {
        posts << line << "\n";
      }
      ++summary.posts;
    }
    RR_RETURN_IF_ERROR(CheckStream(posts, "posts"));
    if (ids.size() < kPage) break;
    after = ids.back();
  }
  if (authors != nullptr) {
    RR_ASSIGN_OR_RETURN(summary.authors, ExportAuthors(store, shard, *authors));
  }
  return summary;
}

}  // namespace reachrank::batch
