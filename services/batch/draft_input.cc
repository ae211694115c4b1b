#include "services/batch/draft_input.h"

#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/batch/csv.h"
#include "services/batch/draft_json.h"
#include "services/batch/json_errors.h"
#include "services/ingest/validation.h"
#include "services/rank/validation.h"

namespace reachrank::batch {

namespace {

using Column = DraftParser::Column;

absl::Status Broken(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

// The draft id of a line that did not parse as a Draft, if it is JSON.
std::string DraftIdOfBadJson(absl::string_view line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) return "";
  for (const char* key : {"draft_id", "draftId"}) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

absl::StatusOr<Column> ColumnOf(std::string name) {
  name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  static const std::pair<const char*, Column> kNames[] = {
      {"draft_id", Column::kDraftId},   {"draftid", Column::kDraftId},
      {"platform", Column::kPlatform},  {"author_id", Column::kAuthorId},
      {"authorid", Column::kAuthorId},  {"text", Column::kText},
      {"language", Column::kLanguage},  {"media_kind", Column::kMediaKind},
      {"mediakind", Column::kMediaKind},
      {"duration_seconds", Column::kDurationSeconds},
      {"durationseconds", Column::kDurationSeconds},
      {"hashtags", Column::kHashtags},  {"planned_at", Column::kPlannedAt},
      {"plannedat", Column::kPlannedAt}};
  for (const auto& [n, c] : kNames) {
    if (name == n) return c;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("CSV header: unknown column '", name, "'"));
}

absl::Status SetMediaKind(absl::string_view value, v1::Draft& d) {
  std::string name = absl::AsciiStrToUpper(value);
  if (!absl::StartsWith(name, "MEDIA_KIND_")) name = "MEDIA_KIND_" + name;
  v1::MediaKind kind;
  if (!v1::MediaKind_Parse(name, &kind)) {
    return Broken("media_kind", absl::StrCat("unknown value '", value, "'"));
  }
  d.set_media_kind(kind);
  return absl::OkStatus();
}

// A decimal number as JSON writes one: [-]digits[.digits][e[+-]digits];
// no hexadecimal, no "inf" or "nan".
bool IsDecimal(absl::string_view v) {
  size_t i = 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < v.size() && absl::ascii_isdigit(v[i])) ++i;
    return i > from;
  };
  if (i < v.size() && v[i] == '-') ++i;
  if (!digits()) return false;
  if (i < v.size() && v[i] == '.' && (++i, !digits())) return false;
  if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == v.size();
}

absl::Status SetDuration(absl::string_view value, v1::Draft& d) {
  double seconds = 0;
  if (!IsDecimal(value) || !absl::SimpleAtod(value, &seconds)) {
    return Broken("duration_seconds", absl::StrCat("not a number: '", value,
                                                   "'"));
  }
  d.set_duration_seconds(seconds);
  return absl::OkStatus();
}

void SetHashtags(absl::string_view value, v1::Draft& d) {
  for (absl::string_view tag :
       absl::StrSplit(value, absl::ByAnyChar("| \t"), absl::SkipEmpty())) {
    if (absl::StartsWith(tag, "#")) tag.remove_prefix(1);
    d.add_hashtags(std::string(tag));
  }
}

// Read as the JSON mapping reads a Timestamp, so that a CSV and a JSONL
// draft take the same times.
absl::Status SetPlannedAt(absl::string_view value, v1::Draft& d) {
  if (!google::protobuf::util::TimeUtil::FromString(std::string(value),
                                                    d.mutable_planned_at())) {
    return Broken("planned_at",
                  absl::StrCat("'", value, "' is not an RFC 3339 time"));
  }
  return absl::OkStatus();
}

absl::Status SetCell(Column column, absl::string_view value, v1::Draft& d) {
  switch (column) {
    case Column::kDraftId: d.set_draft_id(std::string(value)); break;
    case Column::kPlatform: d.set_platform(std::string(value)); break;
    case Column::kAuthorId: d.set_author_id(std::string(value)); break;
    case Column::kText: d.set_text(std::string(value)); break;
    case Column::kLanguage: d.set_language(std::string(value)); break;
    case Column::kMediaKind: return SetMediaKind(value, d);
    case Column::kDurationSeconds: return SetDuration(value, d);
    case Column::kHashtags: SetHashtags(value, d); break;
    case Column::kPlannedAt: return SetPlannedAt(value, d);
  }
  return absl::OkStatus();
}

}  // namespace

InputFormat InputFormatFromPath(absl::string_view path) {
  return absl::EndsWithIgnoreCase(path, ".csv") ? InputFormat::kCsv
                                                : InputFormat::kJsonl;
}

absl::Status ValidateDraft(const v1::Draft& draft, absl::Time now) {
  return rank::ValidateDraft(draft, now, "");
}

absl::StatusOr<DraftParser> DraftParser::Create(InputFormat format,
                                                absl::string_view csv_header) {
  if (format == InputFormat::kJsonl) return DraftParser(format, {});
  absl::StatusOr<std::vector<std::string>> names = SplitCsvLine(csv_header);
  if (!names.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CSV header: ", names.status().message()));
  }
  std::vector<Column> columns;
  for (const std::string& name : *names) {
    absl::StatusOr<Column> column = ColumnOf(name);
    if (!column.ok()) return column.status();
    for (Column seen : columns) {
      if (seen == *column) {
        return absl::InvalidArgumentError(
            absl::StrCat("CSV header: column '", name, "' repeated"));
      }
    }
    columns.push_back(*column);
  }
  bool has_id = false;
  for (Column c : columns) has_id = has_id || c == Column::kDraftId;
  if (!has_id) {
    return absl::InvalidArgumentError("CSV header: no draft_id column");
  }
  return DraftParser(format, std::move(columns));
}

ParsedDraft DraftParser::Parse(absl::string_view line) const {
  if (format_ == InputFormat::kCsv) return ParseCsv(line);
  ParsedDraft out;
  if (ParseDraftJsonFast(line, &out.draft)) {
    out.status = ValidateDraft(out.draft, absl::Now());
    return out;
  }
  // Not the common shape: protobuf's JSON mapping decides, and names the
  // problem if there is one.
  out.draft.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &out.draft,
      options);
  if (!parsed.ok()) {
    out.draft.Clear();
    out.draft.set_draft_id(DraftIdOfBadJson(line));
    out.status = absl::InvalidArgumentError(
        absl::StrCat("not a Draft in JSON: ",
                     ReadableJsonError(parsed.message().as_string())));
    return out;
  }
  out.status = ValidateDraft(out.draft, absl::Now());
  return out;
}

ParsedDraft DraftParser::ParseCsv(absl::string_view line) const {
  ParsedDraft out;
  absl::StatusOr<std::vector<std::string>> cells = SplitCsvLine(line);
  if (!cells.ok()) {
    out.status = cells.status();
    return out;
  }
  for (size_t i = 0; i < columns_.size() && i < cells->size(); ++i) {
    if (columns_[i] == Column::kDraftId) out.draft.set_draft_id((*cells)[i]);
  }
  if (cells->size() != columns_.size()) {
    out.status = absl::InvalidArgumentError(
        absl::StrCat("expected ", columns_.size(), " columns, found ",
                     cells->size()));
    return out;
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if ((*cells)[i].empty()) continue;
    out.status = SetCell(columns_[i], (*cells)[i], out.draft);
    if (!out.status.ok()) return out;
  }
  out.status = ValidateDraft(out.draft, absl::Now());
  return out;
}

bool LineReader::ReadLine(InputLine* out) {
  out->text.clear();
  out->status = absl::OkStatus();
  std::istream::sentry sentry(in_, /*noskipws=*/true);
  if (!sentry) return false;
  std::streambuf& buffer = *in_.rdbuf();
  bool read = false;
  bool dropped = false;
  // The buffer is read directly (for speed), so a read error arrives as
  // libstdc++'s exception rather than as the stream's badbit.
  try {
    for (int c = buffer.sbumpc(); c != std::char_traits<char>::eof();
         c = buffer.sbumpc()) {
      read = true;
      if (c == '\n') break;
      if (out->text.size() < kMaxInputLineBytes) {
        out->text.push_back(static_cast<char>(c));
      } else {
        dropped = true;
      }
    }
  } catch (const std::ios_base::failure& e) {
    read_error_ = e.code().message();
    in_.setstate(std::ios::badbit);
    return false;
  }
  if (!read) {
    in_.setstate(std::ios::eofbit | std::ios::failbit);
    return false;
  }
  if (line_ == 0 && absl::StartsWith(out->text, "\xEF\xBB\xBF")) {
    out->text.erase(0, 3);
  }
  if (dropped) {
    out->status = absl::InvalidArgumentError(
        absl::StrCat("line: longer than ", kMaxInputLineBytes, " bytes"));
  }
  return true;
}

bool LineReader::Next(InputLine* out) {
  while (ReadLine(out)) {
    ++line_;
    if (!absl::StripAsciiWhitespace(out->text).empty()) {
      out->line = line_;
      return true;
    }
  }
  return false;
}

int64_t LineReader::Skip(int64_t records) {
  InputLine ignored;
  int64_t skipped = 0;
  while (skipped < records && Next(&ignored)) ++skipped;
  return skipped;
}

absl::Status LineReader::status() const {
  if (in_.bad()) {
    return absl::InternalError(
        read_error_.empty()
            ? "reading the input failed"
            : absl::StrCat("reading the input failed: ", read_error_));
  }
  return absl::OkStatus();
}

}  // namespace reachrank::batch
