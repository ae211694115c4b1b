#include "services/batch/score_output.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "services/batch/csv.h"

namespace reachrank::batch {
namespace {

using Json = nlohmann::ordered_json;

// The float's shortest decimal form as a double, so that 0.9f prints as
// 0.9 (as protobuf prints a float field) and not 0.8999999761581421.
double FloatAsDouble(float value) {
  char buf[32];
  for (int precision = 6; precision < 9; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtof(buf, nullptr) == value) return std::strtod(buf, nullptr);
  }
  std::snprintf(buf, sizeof(buf), "%.9g", value);
  return std::strtod(buf, nullptr);
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

Json ScoreJson(const v1::ReachScore& s) {
  Json j;
  j["id"] = s.id();
  j["pReach"] = s.p_reach();
  j["expectedStrangerImpressions"] = s.expected_stranger_impressions();
  // A protobuf map iterates in no fixed order; std::map sorts the keys.
  const std::map<std::string, double> mix(s.surface_mix().begin(),
                                          s.surface_mix().end());
  j["surfaceMix"] = Json::object();
  for (const auto& [surface, share] : mix) j["surfaceMix"][surface] = share;
  if (s.reasons_size() > 0) {
    j["reasons"] = Json::array();
    for (const v1::Reason& r : s.reasons()) {
      j["reasons"].push_back({{"factor", r.factor()},
                              {"value", r.value()},
                              {"contribution", r.contribution()},
                              {"message", r.message()}});
    }
  }
  j["topics"] = Json::array();
  for (const v1::TopicScore& t : s.topics()) {
    j["topics"].push_back({{"topicId", t.topic_id()},
                           {"probability", FloatAsDouble(t.probability())}});
  }
  j["modelVersion"] = s.model_version();
  return j;
}

Json ErrorJson(const ScoredLine& record) {
  const absl::Status& status = record.score.status();
  Json j;
  j["line"] = record.line;
  j["draft_id"] = record.draft_id;
  j["error"] = {{"code", absl::StatusCodeToString(status.code())},
                {"message", std::string(status.message())}};
  return j;
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

void AppendRecord(OutputFormat format, const ScoredLine& record,
                  std::string* out) {
  if (format == OutputFormat::kCsv) {
    absl::StrAppend(out, CsvRow(record), "\n");
    return;
  }
  const Json j = record.score.ok() ? ScoreJson(*record.score)
                                   : ErrorJson(record);
  absl::StrAppend(out, j.dump(-1, ' ', false, Json::error_handler_t::replace),
                  "\n");
}

}  // namespace reachrank::batch
