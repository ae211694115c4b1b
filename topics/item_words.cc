#include "topics/item_words.h"

#include <iterator>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "topics/hashtags.h"

namespace reachrank::topics {
namespace {

absl::StatusOr<Segmentation> SegmentWords(const Segmenter& segmenter,
                                          absl::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) return Segmentation{};
  return segmenter.Segment(text);
}

}  // namespace

absl::StatusOr<ItemWords> SegmentItemWords(
    const Segmenter& segmenter, absl::string_view text,
    absl::Span<const std::string> hashtags) {
  // Inline hashtags ("Was für ein Abend! #FootballMatch") count as hashtags.
  std::optional<InlineHashtags> split;
  if (text.find('#') != absl::string_view::npos) {
    split = SplitInlineHashtags(text);
  }
  std::string tag_text = HashtagText(hashtags);
  if (split.has_value()) {
    absl::StrAppend(&tag_text, " ", HashtagText(split->tags));
  }
  const absl::string_view caption =
      split.has_value() ? absl::string_view(split->rest) : text;
  ItemWords words;
  RR_ASSIGN_OR_RETURN(words.caption, SegmentWords(segmenter, caption));
  RR_ASSIGN_OR_RETURN(words.tags, SegmentWords(segmenter, tag_text));
  return words;
}

void AppendWords(Segmentation tail, Segmentation& head) {
  head.tokens.insert(head.tokens.end(),
                     std::make_move_iterator(tail.tokens.begin()),
                     std::make_move_iterator(tail.tokens.end()));
  head.latin_letters += tail.latin_letters;
  head.han_letters += tail.han_letters;
  head.other_letters += tail.other_letters;
}

}  // namespace reachrank::topics
