#include "services/batch/importer.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/json_depth.h"
#include "base/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/batch/draft_input.h"
#include "services/batch/json_errors.h"
#include "services/ingest/validation.h"

namespace reachrank::batch {
namespace {

using Json = nlohmann::json;

constexpr uint64_t kMaxPartCount = ingest::kMaxEventCount;
// A cell becomes ⌈count / kMaxPartCount⌉ events; one line makes at most
// kMaxLineEvents of them, however many cells it has, which bounds the
// memory and time one line takes.
constexpr uint64_t kMaxLineEvents = 10'000;
constexpr uint64_t kMaxCellCount = kMaxLineEvents * kMaxPartCount;

absl::Status Broken(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

// INVALID_ARGUMENT naming the first key of `obj` not in `known`: a
// misspelt key ("watchMs", "count" for "counts") would otherwise drop its
// value without a word.
absl::Status OnlyKnownKeys(const Json& obj,
                           std::initializer_list<absl::string_view> known,
                           absl::string_view field) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    return Broken(
        field.empty() ? key : absl::StrCat(field, ".", key),
        absl::StrCat("unknown key (known: ", absl::StrJoin(known, ", "), ")"));
  }
  return absl::OkStatus();
}

// Parses an enum name, with or without its prefix, in any case.
template <typename Enum>
absl::StatusOr<Enum> ParseEnum(const Json& j, absl::string_view field,
                               absl::string_view prefix,
                               bool (*parse)(const std::string&, Enum*)) {
  if (!j.is_string()) return Broken(field, "must be a string");
  std::string name = absl::AsciiStrToUpper(j.get<std::string>());
  if (!absl::StartsWith(name, prefix)) name = absl::StrCat(prefix, name);
  Enum value;
  if (!parse(name, &value) || static_cast<int>(value) == 0) {
    return Broken(field, absl::StrCat("unknown value '", j.get<std::string>(),
                                      "'"));
  }
  return value;
}

absl::StatusOr<v1::Post> ParsePost(const Json& j) {
  if (!j.is_object()) return Broken("post", "must be an object");
  v1::Post post;
  const std::string text = j.dump();
  auto parsed = google::protobuf::util::JsonStringToMessage(text, &post);
  if (!parsed.ok()) {
    return Broken(
        "post", absl::StrCat("not a Post in JSON: ",
                             ReadableJsonError(parsed.message().as_string())));
  }
  return post;
}

absl::Status ParseCellTime(const Json& cell, const v1::Post& post,
                           absl::string_view field, v1::EngagementEvent& e) {
  auto at = cell.find("at");
  if (at == cell.end()) {
    *e.mutable_at() = post.created_at();
    return absl::OkStatus();
  }
  if (!at->is_string() ||
      !google::protobuf::util::TimeUtil::FromString(at->get<std::string>(),
                                                    e.mutable_at())) {
    return Broken(field, "at must be an RFC 3339 time");
  }
  return absl::OkStatus();
}

// One cell as one aggregated event (count possibly over the API limit).
absl::StatusOr<std::pair<v1::EngagementEvent, uint64_t>> ParseCell(
    const Json& cell, const v1::Post& post, absl::string_view field) {
  if (!cell.is_object()) return Broken(field, "must be an object");
  RR_RETURN_IF_ERROR(OnlyKnownKeys(
      cell, {"surface", "relation", "type", "count", "watch_ms", "at"}, field));
  v1::EngagementEvent e;
  e.set_post_id(post.post_id());
  const Json null;
  auto get = [&cell, &null](const char* key) -> const Json& {
    auto it = cell.find(key);
    return it == cell.end() ? null : *it;
  };
  RR_ASSIGN_OR_RETURN(auto surface,
                      ParseEnum<v1::Surface>(get("surface"),
                                             absl::StrCat(field, ".surface"),
                                             "SURFACE_", &v1::Surface_Parse));
  RR_ASSIGN_OR_RETURN(
      auto relation,
      ParseEnum<v1::Relation>(get("relation"), absl::StrCat(field, ".relation"),
                              "RELATION_", &v1::Relation_Parse));
  RR_ASSIGN_OR_RETURN(
      auto type, ParseEnum<v1::EventType>(get("type"),
                                          absl::StrCat(field, ".type"),
                                          "EVENT_TYPE_", &v1::EventType_Parse));
  e.set_surface(surface);
  e.set_relation(relation);
  e.set_type(type);
  const Json& count = get("count");
  if (!count.is_number_unsigned() || count.get<uint64_t>() == 0 ||
      count.get<uint64_t>() > kMaxCellCount) {
    return Broken(absl::StrCat(field, ".count"),
                  "must be an integer in 1..10000000000");
  }
  const Json& watch = get("watch_ms");
  if (!watch.is_null() &&
      (!watch.is_number_unsigned() ||
       watch.get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()})) {
    return Broken(absl::StrCat(field, ".watch_ms"),
                  "must be an integer in 0..2^63-1");
  }
  if (!watch.is_null()) e.set_watch_ms(watch.get<int64_t>());
  RR_RETURN_IF_ERROR(ParseCellTime(cell, post, field, e));
  return std::make_pair(e, count.get<uint64_t>());
}

// Splits a cell into parts of at most kMaxPartCount events; watch time is
// shared in proportion, the last part taking the rounding remainder.
void AppendParts(v1::EngagementEvent cell, uint64_t count,
                 std::vector<v1::EngagementEvent>* out) {
  const int64_t watch = cell.watch_ms();
  int64_t watch_left = watch;
  uint32_t part = 0;
  for (uint64_t left = count; left > 0; ++part) {
    const uint64_t n = std::min(left, kMaxPartCount);
    left -= n;
    v1::EngagementEvent e = cell;
    e.set_count(static_cast<uint32_t>(n));
    const int64_t share =
        left == 0 ? watch_left
                  : static_cast<int64_t>(static_cast<__int128>(watch) * n /
                                         count);
    e.set_watch_ms(share);
    watch_left -= share;
    e.set_event_id(ImportEventId(cell.post_id(), cell, part));
    out->push_back(std::move(e));
  }
}

}  // namespace

std::string ImportEventId(absl::string_view post_id,
                          const v1::EngagementEvent& cell, uint32_t part) {
  const std::string key = absl::StrCat(
      post_id, "\x1f", cell.surface(), "\x1f", cell.relation(), "\x1f",
      cell.type(), "\x1f", cell.at().seconds(), ".", cell.at().nanos(), "\x1f",
      part);
  using u128 = unsigned __int128;
  const u128 prime = (static_cast<u128>(1) << 88) + 0x13B;
  u128 hash = (static_cast<u128>(0x6c62272e07bb0142ULL) << 64) |
              0x62b821756295c58dULL;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= prime;
  }
  return absl::StrFormat("imp-%016x%016x", static_cast<uint64_t>(hash >> 64),
                         static_cast<uint64_t>(hash));
}

absl::StatusOr<ImportRecord> ParseImportLine(absl::string_view line,
                                             absl::Time now) {
  bool too_deep = false;
  const Json j = ParseJsonWithDepth(line, &too_deep);
  if (too_deep) {
    return absl::InvalidArgumentError(
        absl::StrCat("nested deeper than ", kMaxJsonDepth, " levels"));
  }
  if (j.is_discarded()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not JSON: ", JsonSyntaxError(line)));
  }
  if (!j.is_object()) return absl::InvalidArgumentError("not a JSON object");
  RR_RETURN_IF_ERROR(OnlyKnownKeys(j, {"post", "counts"}, ""));
  auto post_it = j.find("post");
  if (post_it == j.end()) return Broken("post", "is required");
  ImportRecord record;
  RR_ASSIGN_OR_RETURN(record.post, ParsePost(*post_it));
  RR_RETURN_IF_ERROR(ingest::ValidatePost(record.post, now, "post"));
  auto counts = j.find("counts");
  if (counts == j.end()) return record;
  if (!counts->is_array()) return Broken("counts", "must be an array");
  uint64_t events = 0;
  for (size_t i = 0; i < counts->size(); ++i) {
    const std::string field = absl::StrCat("counts[", i, "]");
    RR_ASSIGN_OR_RETURN(auto cell, ParseCell((*counts)[i], record.post, field));
    events += (cell.second + kMaxPartCount - 1) / kMaxPartCount;
    if (events > kMaxLineEvents) {
      return Broken("counts",
                    "must make at most 10000 events in one line (a cell "
                    "makes one per 1000000 of its count)");
    }
    const size_t first = record.events.size();
    AppendParts(std::move(cell.first), cell.second, &record.events);
    for (size_t k = first; k < record.events.size(); ++k) {
      RR_RETURN_IF_ERROR(ingest::ValidateEvent(record.events[k], now, field));
    }
  }
  return record;
}

}  // namespace reachrank::batch
