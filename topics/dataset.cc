#include "topics/dataset.h"

#include <exception>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "topics/file_util.h"
#include "topics/segmenter.h"

namespace reachrank::topics {
namespace {

absl::Status LineError(const std::string& path, int line,
                       absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ":", line, ": ", what));
}

bool HasSpace(absl::string_view s) {
  for (char c : s) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

std::string ParentDirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  const size_t before = path.rfind('/', slash == 0 ? 0 : slash - 1);
  const size_t start = before == std::string::npos ? 0 : before + 1;
  return path.substr(start, slash - start);
}

absl::StatusOr<Example> ParseTsvLine(absl::string_view line) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
  if (fields.size() != 3) {
    return absl::InvalidArgumentError("need 3 tab-separated fields");
  }
  return Example{std::string(fields[2]), std::string(fields[1]), ""};
}

absl::StatusOr<Example> ParseJsonLine(absl::string_view line) {
  try {
    nlohmann::json j = nlohmann::json::parse(line);
    Example example;
    example.text = j.at("text").get<std::string>();
    example.topic = j.at("topic").get<std::string>();
    if (j.contains("language")) {
      example.language = j.at("language").get<std::string>();
    }
    return example;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("need {\"text\", \"topic\"[, \"language\"]}: ", e.what()));
  }
}

}  // namespace

std::string LanguageOfFloresCode(absl::string_view code) {
  if (absl::StartsWith(code, "eng_")) return "en";
  if (absl::StartsWith(code, "deu_")) return "de";
  if (absl::StartsWith(code, "zho_")) return "zh";
  return "";
}

absl::StatusOr<std::vector<Example>> ReadExamples(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  const bool jsonl =
      absl::EndsWith(path, ".jsonl") || absl::EndsWith(path, ".json");
  const std::string language = LanguageOfFloresCode(ParentDirName(path));
  std::vector<Example> examples;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++number;
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (!jsonl && number == 1) continue;  // TSV header
    if (!IsValidUtf8(line)) return LineError(path, number, "not valid UTF-8");
    absl::StatusOr<Example> example =
        jsonl ? ParseJsonLine(line) : ParseTsvLine(line);
    if (!example.ok()) {
      return LineError(path, number, example.status().message());
    }
    if (example->topic.empty() || HasSpace(example->topic)) {
      return LineError(path, number, "topic is empty or contains whitespace");
    }
    if (example->language.empty()) example->language = language;
    example->where = absl::StrCat(path, ":", number);
    examples.push_back(std::move(*example));
  }
  return examples;
}

}  // namespace reachrank::topics
