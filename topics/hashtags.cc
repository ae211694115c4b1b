#include "topics/hashtags.h"

#include "absl/strings/ascii.h"

namespace reachrank::topics {
namespace {

bool IsSeparator(char c) {
  return c == '_' || c == '-' || c == '.' || c == '#';
}

// True when a word starts at tag[i], an upper-case ASCII letter, by case.
bool StartsWordByCase(absl::string_view tag, size_t i) {
  if (i == 0 || !absl::ascii_isupper(tag[i])) return false;
  const char before = tag[i - 1];
  if (absl::ascii_islower(before) || absl::ascii_isdigit(before)) return true;
  const bool next_lower = i + 1 < tag.size() && absl::ascii_islower(tag[i + 1]);
  return absl::ascii_isupper(before) && next_lower;
}

void AppendSpace(std::string& out) {
  if (!out.empty() && out.back() != ' ') out.push_back(' ');
}

}  // namespace

std::string HashtagWords(absl::string_view tag) {
  std::string out;
  out.reserve(tag.size() + 4);
  for (size_t i = 0; i < tag.size(); ++i) {
    if (IsSeparator(tag[i])) {
      AppendSpace(out);
      continue;
    }
    if (StartsWordByCase(tag, i)) AppendSpace(out);
    out.push_back(tag[i]);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string HashtagText(absl::Span<const std::string> tags) {
  std::string out;
  for (const std::string& tag : tags) {
    std::string words = HashtagWords(tag);
    if (words.empty()) continue;
    AppendSpace(out);
    out += words;
  }
  return out;
}

InlineHashtags SplitInlineHashtags(absl::string_view text) {
  InlineHashtags out;
  out.rest.reserve(text.size());
  bool boundary = true;  // at the start, after whitespace or a closed tag
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '#' && boundary) {
      size_t end = i + 1;
      while (end < text.size() && text[end] != '#' &&
             !absl::ascii_isspace(text[end])) {
        ++end;
      }
      if (end > i + 1) {
        out.tags.emplace_back(text.substr(i + 1, end - i - 1));
        out.rest.push_back(' ');
        const bool closed = end < text.size() && text[end] == '#';
        i = closed ? end + 1 : end;
        boundary = closed;
        continue;
      }
    }
    boundary = absl::ascii_isspace(text[i]);
    out.rest.push_back(text[i++]);
  }
  return out;
}

}  // namespace reachrank::topics
