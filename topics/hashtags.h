// Hashtags as words for the topic models. A hashtag is a compound written
// without spaces ("HomeCooking", "science_technology", "self-care"); the
// models were trained on sentences, so each tag is split into the words it
// joins before segmentation (segmenter.h) sees it.
#ifndef REACHRANK_TOPICS_HASHTAGS_H_
#define REACHRANK_TOPICS_HASHTAGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace reachrank::topics {

// The words of `tag` (without '#') separated by single spaces: '_', '-',
// '.' and '#' separate words, and so does a change of case in ASCII
// letters, before an upper-case letter that follows a lower-case letter or
// digit ("homeCooking" -> "home Cooking") or that starts a word after an
// upper-case run ("HTMLParser" -> "HTML Parser"). Other characters are
// kept as they are: Han, other scripts and non-ASCII letters are left to
// the segmenter's word breaker.
std::string HashtagWords(absl::string_view tag);

// HashtagWords of each tag, joined by single spaces.
std::string HashtagText(absl::Span<const std::string> tags);

// A caption with its inline hashtags taken out.
struct InlineHashtags {
  std::string rest;               // the text without them
  std::vector<std::string> tags;  // without '#', in order of appearance
};

// Takes the inline hashtags out of `text`: a '#' at the start or after
// whitespace begins one, which runs to the next whitespace or '#'; a '#'
// right after a tag closes it and is dropped (Weibo's "#话题#"). A lone '#'
// and a '#' inside a word ("C#", "a#b", a URL's fragment) stay in `rest`.
// Each tag is replaced by one space, so the words around it stay apart.
InlineHashtags SplitInlineHashtags(absl::string_view text);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_HASHTAGS_H_
