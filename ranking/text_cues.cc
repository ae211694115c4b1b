#include "ranking/text_cues.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace reachrank::ranking {
namespace {

// Lower-case phrases; ASCII letters of the text are lowered before matching.
const std::vector<absl::string_view>& UtilityPhrases() {
  static const auto* v = new std::vector<absl::string_view>{
      // en
      "how to", "how-to", "howto", "step by step", "tutorial", "guide",
      "tips", "review", "diy", "explained", "checklist",
      // de
      "anleitung", "schritt für schritt", "tipps", "so geht", "ratgeber",
      "test:", "erklärt", "testbericht",
      // zh
      "教程", "攻略", "技巧", "步骤", "测评", "干货", "评测", "指南", "教你"};
  return *v;
}

const std::vector<absl::string_view>& DailyPhrases() {
  static const auto* v = new std::vector<absl::string_view>{
      // en
      "my day", "vlog", "today i", "just me", "daily life", "morning routine",
      // de
      "mein tag", "heute habe ich", "einfach so", "alltag",
      // zh
      "日常", "今天", "记录生活", "随手拍", "生活记录"};
  return *v;
}

const std::vector<absl::string_view>& StepWords() {
  static const auto* v = new std::vector<absl::string_view>{
      "step ", "schritt ", "第一步", "第二步", "第三步", "首先", "然后"};
  return *v;
}

// Units and currency signs that may follow a number.
const std::vector<absl::string_view>& Units() {
  static const auto* v = new std::vector<absl::string_view>{
      "%", "€", "$", "¥", "元", "块", "kg", "km", "g ", "ml", "l ", "min",
      "h ", "euro", "eur", "usd", "dollar", "cm", "m ", "分钟", "小时", "公斤",
      "克", "毫升", "stunden", "minuten", "x "};
  return *v;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int CountDistinct(absl::string_view haystack,
                  const std::vector<absl::string_view>& phrases, int cap) {
  int n = 0;
  for (absl::string_view p : phrases) {
    if (absl::StrContains(haystack, p)) ++n;
  }
  return std::min(n, cap);
}

int CountOccurrences(absl::string_view haystack, absl::string_view needle) {
  int n = 0;
  for (size_t pos = haystack.find(needle); pos != absl::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// Enumerations like "1." or "2)" that start a word.
int CountEnumerations(absl::string_view s) {
  int n = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const bool word_start = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n';
    if (word_start && IsDigit(s[i]) && (s[i + 1] == '.' || s[i + 1] == ')') &&
        (i + 2 == s.size() || !IsDigit(s[i + 2]))) {
      ++n;
    }
  }
  return n;
}

// Numbers followed by a unit, or preceded by a currency sign.
int CountQuantities(absl::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsDigit(s[i]) || (i > 0 && IsDigit(s[i - 1]))) continue;
    size_t end = i;
    while (end < s.size() && (IsDigit(s[end]) || s[end] == '.' ||
                              s[end] == ',')) {
      ++end;
    }
    absl::string_view after = s.substr(end);
    if (!after.empty() && after[0] == ' ') after.remove_prefix(1);
    absl::string_view before = s.substr(0, i);
    bool hit = absl::StartsWith(after, "%");
    for (absl::string_view unit : Units()) {
      hit = hit || absl::StartsWith(after, unit) ||
            (unit.size() > 1 && absl::EndsWith(after, unit) &&
             after.size() == unit.size());
    }
    hit = hit || absl::EndsWith(before, "$") || absl::EndsWith(before, "€") ||
          absl::EndsWith(before, "¥");
    if (hit) ++n;
    i = end;
  }
  return n;
}

}  // namespace

TextCues DetectCues(absl::string_view text,
                    absl::Span<const std::string> hashtags) {
  // Hashtags join the text, so "#howto" counts like "how to".
  std::string lowered = absl::StrCat(text, " ", absl::StrJoin(hashtags, " "));
  absl::AsciiStrToLower(&lowered);
  TextCues cues;
  cues.utility = CountDistinct(lowered, UtilityPhrases(), 3);
  cues.daily_life = CountDistinct(lowered, DailyPhrases(), 3);
  int steps = CountEnumerations(lowered);
  for (absl::string_view w : StepWords()) {
    steps += CountOccurrences(lowered, w);
  }
  cues.steps = std::min(steps, 5);
  cues.quantities = std::min(CountQuantities(lowered), 5);
  return cues;
}

size_t CountCodePoints(absl::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

TextFigures TextFiguresCache::Get(absl::string_view text,
                                  absl::Span<const std::string> hashtags) {
  // absl's hash takes each string's length too, so ("ab", {"c"}) and
  // ("a", {"bc"}) differ.
  const uint64_t key = absl::HashOf(text, hashtags);
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  const TextFigures figures{DetectCues(text, hashtags), CountCodePoints(text)};
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(key, figures);
  return figures;
}

size_t TextFiguresCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace reachrank::ranking
