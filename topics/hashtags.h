// Hashtags as words for the topic models. A hashtag is a compound written
// without spaces ("HomeCooking", "science_technology", "self-care"); the
// models were trained on sentences, so each tag is split into the words it
// joins before segmentation (segmenter.h) sees it.
#ifndef REACHRANK_TOPICS_HASHTAGS_H_
#define REACHRANK_TOPICS_HASHTAGS_H_

#include <string>

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

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_HASHTAGS_H_
