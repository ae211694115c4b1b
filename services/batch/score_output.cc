#include "services/batch/score_output.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "services/batch/csv.h"
#include "services/ingest/validation.h"

namespace reachrank::batch {
namespace {

using Json = nlohmann::ordered_json;

// The float's shortest decimal form as a double, so that 0.9f prints as
// 0.9 (as protobuf prints a float field) and not 0.8999999761581421: the
// first of "%.6g", "%.7g", "%.8g" that reads back as the same float, else
// "%.9g", read as a double.
double FloatAsDoubleWithStdio(float value) {
  char buf[32];
  for (int precision = 6; precision < 9; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtof(buf, nullptr) == value) return std::strtod(buf, nullptr);
  }
  std::snprintf(buf, sizeof(buf), "%.9g", value);
  return std::strtod(buf, nullptr);
}

// The same without stdio's overhead: std::to_chars with a precision is
// specified as printf's %g, and std::from_chars rounds as strtof/strtod do
// (score_output_test checks the two against each other). Anything
// from_chars reports as out of range (subnormals, say) takes the stdio
// path.
double FloatAsDouble(float value) {
  if (!std::isfinite(value)) return FloatAsDoubleWithStdio(value);
  char buf[32];
  for (int precision = 6; precision <= 9; ++precision) {
    const std::to_chars_result printed =
        std::to_chars(buf, buf + sizeof(buf), value,
                      std::chars_format::general, precision);
    if (printed.ec != std::errc()) return FloatAsDoubleWithStdio(value);
    if (precision < 9) {
      float back = 0;
      const std::from_chars_result read = std::from_chars(buf, printed.ptr, back);
      if (read.ec != std::errc() || read.ptr != printed.ptr) {
        return FloatAsDoubleWithStdio(value);
      }
      if (back != value) continue;
    }
    double result = 0;
    const std::from_chars_result read = std::from_chars(buf, printed.ptr, result);
    if (read.ec != std::errc() || read.ptr != printed.ptr) {
      return FloatAsDoubleWithStdio(value);
    }
    return result;
  }
  return FloatAsDoubleWithStdio(value);  // not reached: "%.9g" returns
}

// The surfaces in enum order, skipping SURFACE_UNSPECIFIED.
std::vector<std::string> SurfaceNames() {
  std::vector<std::string> names;
  for (int s = v1::Surface_MIN + 1; s <= v1::Surface_MAX; ++s) {
    if (v1::Surface_IsValid(s)) {
      names.push_back(v1::Surface_Name(static_cast<v1::Surface>(s)));
    }
  }
  return names;
}

const std::vector<std::string>& Surfaces() {
  static const std::vector<std::string>* const kNames =
      new std::vector<std::string>(SurfaceNames());
  return *kNames;
}

// JSON text written directly, byte for byte what nlohmann's ordered_json
// dump(-1, ' ', false, replace) wrote for the same records before: strings
// with '"', '\\' and control characters escaped (\b \t \n \f \r, others
// as \u00xx), other characters as they are; numbers by nlohmann's own
// shortest round-trip formatter ("6.0", "1e+20"), non-finite as null.
// score_output_test compares this with the nlohmann formatting.

// A string holding invalid UTF-8 (never from our own ids, topics or
// reasons; drafts are validated) goes through nlohmann, which replaces the
// bad bytes as it always did.
void AppendJsonString(absl::string_view s, std::string* out) {
  if (!ingest::IsValidUtf8(s)) {
    absl::StrAppend(out, Json(std::string(s)).dump(
                             -1, ' ', false, Json::error_handler_t::replace));
    return;
  }
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\f': out->append("\\f"); break;
      case '\r': out->append("\\r"); break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4],
                                kHex[c & 0xF]};
        out->append(escaped, sizeof(escaped));
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonNumber(double value, std::string* out) {
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  char buf[64];
  char* end = nlohmann::detail::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end - buf);
}

void AppendScoreJson(const v1::ReachScore& s, std::string* out) {
  out->append("{\"id\":");
  AppendJsonString(s.id(), out);
  out->append(",\"pReach\":");
  AppendJsonNumber(s.p_reach(), out);
  out->append(",\"expectedStrangerImpressions\":");
  AppendJsonNumber(s.expected_stranger_impressions(), out);
  out->append(",\"surfaceMix\":{");
  // A protobuf map iterates in no fixed order; the keys are written
  // sorted, as std::map sorts them.
  std::vector<std::pair<absl::string_view, double>> mix(
      s.surface_mix().begin(), s.surface_mix().end());
  std::sort(mix.begin(), mix.end());
  for (size_t i = 0; i < mix.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(mix[i].first, out);
    out->push_back(':');
    AppendJsonNumber(mix[i].second, out);
  }
  out->push_back('}');
  if (s.reasons_size() > 0) {
    out->append(",\"reasons\":[");
    for (int i = 0; i < s.reasons_size(); ++i) {
      const v1::Reason& r = s.reasons(i);
      if (i > 0) out->push_back(',');
      out->append("{\"factor\":");
      AppendJsonString(r.factor(), out);
      out->append(",\"value\":");
      AppendJsonNumber(r.value(), out);
      out->append(",\"contribution\":");
      AppendJsonNumber(r.contribution(), out);
      out->append(",\"message\":");
      AppendJsonString(r.message(), out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  out->append(",\"topics\":[");
  for (int i = 0; i < s.topics_size(); ++i) {
    const v1::TopicScore& t = s.topics(i);
    if (i > 0) out->push_back(',');
    out->append("{\"topicId\":");
    AppendJsonString(t.topic_id(), out);
    out->append(",\"probability\":");
    AppendJsonNumber(FloatAsDouble(t.probability()), out);
    out->push_back('}');
  }
  out->append("],\"modelVersion\":");
  AppendJsonString(s.model_version(), out);
  out->append("}");
}

void AppendErrorJson(const ScoredLine& record, std::string* out) {
  const absl::Status& status = record.score.status();
  absl::StrAppend(out, "{\"line\":", record.line, ",\"draft_id\":");
  AppendJsonString(record.draft_id, out);
  out->append(",\"error\":{\"code\":");
  AppendJsonString(absl::StatusCodeToString(status.code()), out);
  out->append(",\"message\":");
  AppendJsonString(status.message(), out);
  out->append("}}");
}

std::string CsvRow(const ScoredLine& record) {
  std::vector<std::string> cells = {absl::StrCat(record.line),
                                    CsvField(record.draft_id)};
  if (!record.score.ok()) {
    // Empty score columns: two numbers, the shares and four text columns.
    cells.resize(cells.size() + 2 + Surfaces().size() + 4);
    const absl::Status& status = record.score.status();
    cells.push_back(CsvField(absl::StrCat(
        absl::StatusCodeToString(status.code()), ": ", status.message())));
    return absl::StrJoin(cells, ",");
  }
  const v1::ReachScore& s = *record.score;
  cells.push_back(ShortestDouble(s.p_reach()));
  cells.push_back(ShortestDouble(s.expected_stranger_impressions()));
  for (const std::string& surface : Surfaces()) {
    auto it = s.surface_mix().find(surface);
    cells.push_back(it == s.surface_mix().end() ? ""
                                                : ShortestDouble(it->second));
  }
  cells.push_back(s.topics().empty() ? "" : CsvField(s.topics(0).topic_id()));
  cells.push_back(CsvField(s.model_version()));
  std::vector<std::string> factors, messages;
  for (const v1::Reason& r : s.reasons()) {
    factors.push_back(r.factor());
    messages.push_back(r.message());
  }
  cells.push_back(CsvField(absl::StrJoin(factors, " | ")));
  cells.push_back(CsvField(absl::StrJoin(messages, " | ")));
  cells.push_back("");
  return absl::StrJoin(cells, ",");
}

}  // namespace

std::string ShortestDouble(double value) {
  char buf[40];
  for (int precision = 15; precision < 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) return buf;
  }
  std::snprintf(buf, sizeof(buf), "%.17g", value);
  return buf;
}

std::string OutputHeader(OutputFormat format) {
  if (format == OutputFormat::kJsonl) return "";
  std::vector<std::string> columns = {"line", "id", "p_reach",
                                      "expected_stranger_impressions"};
  for (const std::string& surface : Surfaces()) {
    columns.push_back(
        absl::StrCat("share_", absl::AsciiStrToLower(surface.substr(
                                   sizeof("SURFACE_") - 1))));
  }
  for (const char* c : {"top_topic", "model_version", "factors", "reasons",
                        "error"}) {
    columns.push_back(c);
  }
  return absl::StrCat(absl::StrJoin(columns, ","), "\n");
}

int HeaderLines(OutputFormat format) {
  return format == OutputFormat::kCsv ? 1 : 0;
}

bool IsErrorRecord(OutputFormat format, absl::string_view line) {
  if (format == OutputFormat::kJsonl)
    return absl::StartsWith(line, "{\"line\":");
  // The error column, the last, is empty for a score.
  return !line.empty() && line.back() != ',';
}

void AppendRecord(OutputFormat format, const ScoredLine& record,
                  std::string* out) {
  if (format == OutputFormat::kCsv) {
    absl::StrAppend(out, CsvRow(record), "\n");
    return;
  }
  if (record.score.ok()) {
    AppendScoreJson(*record.score, out);
  } else {
    AppendErrorJson(record, out);
  }
  out->push_back('\n');
}

}  // namespace reachrank::batch
