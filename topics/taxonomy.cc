#include "topics/taxonomy.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "topics/file_util.h"
#include "topics/segmenter.h"

namespace reachrank::topics {
namespace {

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxTopicIdBytes) return false;
  for (char c : id) {
    if (c == '\0' || absl::ascii_isspace(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Taxonomy::Taxonomy(std::vector<Topic> topics) : topics_(std::move(topics)) {}

absl::StatusOr<Taxonomy> Taxonomy::Parse(absl::string_view tsv) {
  std::vector<std::string> languages;
  std::vector<Topic> topics;
  std::set<std::string> seen;
  bool have_header = false;
  int line_number = 0;
  absl::ConsumePrefix(&tsv, "\xEF\xBB\xBF");  // a spreadsheet's byte order mark
  for (absl::string_view line : absl::StrSplit(tsv, '\n')) {
    ++line_number;
    // Tabs separate fields (an empty last display name ends in a tab), so
    // only a Windows line ending is stripped.
    if (absl::EndsWith(line, "\r")) line.remove_suffix(1);
    if (line.empty()) continue;
    // A carriage return left inside a field would end a line when printed
    // last by ToTsv, and be stripped on the next parse.
    if (absl::StrContains(line, '\r')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "taxonomy line ", line_number, ": carriage return inside a field"));
    }
    // Display names go into responses, which must be valid UTF-8.
    if (!IsValidUtf8(line)) {
      return absl::InvalidArgumentError(
          absl::StrCat("taxonomy line ", line_number, ": not valid UTF-8"));
    }
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (!have_header) {
      if (fields[0] != "topic_id") {
        return absl::InvalidArgumentError(absl::StrCat(
            "taxonomy line ", line_number,
            ": header must start with \"topic_id\""));
      }
      languages.assign(fields.begin() + 1, fields.end());
      const std::set<std::string> distinct(languages.begin(), languages.end());
      if (distinct.size() != languages.size() || distinct.count("") > 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "taxonomy line ", line_number,
            ": header languages must be non-empty and distinct"));
      }
      have_header = true;
      continue;
    }
    if (fields.size() != languages.size() + 1 || !ValidId(fields[0]) ||
        !seen.insert(fields[0]).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "taxonomy line ", line_number, ": need ", languages.size() + 1,
          " fields and a new topic id of 1-256 bytes without spaces"));
    }
    Topic topic{fields[0], {}};
    for (size_t i = 0; i < languages.size(); ++i) {
      topic.display_names[languages[i]] = fields[i + 1];
    }
    topics.push_back(std::move(topic));
  }
  if (topics.empty()) return absl::InvalidArgumentError("taxonomy: no topics");
  return Taxonomy(std::move(topics));
}

absl::StatusOr<Taxonomy> Taxonomy::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Taxonomy> taxonomy = Parse(*text);
  if (!taxonomy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", taxonomy.status().message()));
  }
  return taxonomy;
}

Taxonomy Taxonomy::FromIds(const std::vector<std::string>& ids,
                           const std::vector<std::string>& languages) {
  std::vector<Topic> topics;
  for (const std::string& id : ids) {
    Topic topic{id, {}};
    for (const std::string& language : languages) {
      topic.display_names[language] = id;
    }
    topics.push_back(std::move(topic));
  }
  return Taxonomy(std::move(topics));
}

std::string Taxonomy::ToTsv() const {
  std::vector<std::string> languages;
  if (!topics_.empty()) {
    for (const auto& [language, name] : topics_[0].display_names) {
      languages.push_back(language);
    }
  }
  std::string out = "topic_id";
  for (const std::string& language : languages) absl::StrAppend(&out, "\t", language);
  out += "\n";
  for (const Topic& topic : topics_) {
    out += topic.id;
    for (const std::string& language : languages) {
      auto it = topic.display_names.find(language);
      absl::StrAppend(&out, "\t",
                      it == topic.display_names.end() ? topic.id : it->second);
    }
    out += "\n";
  }
  return out;
}

bool Taxonomy::Contains(absl::string_view id) const {
  for (const Topic& topic : topics_) {
    if (topic.id == id) return true;
  }
  return false;
}

}  // namespace reachrank::topics
