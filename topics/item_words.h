// item_words: the words the topic models read for a caption and its
// hashtags, given and inline. One function for training (FastTextLines)
// and prediction (FastTextClassifier), so a model learns the tokens it is
// later asked about: "#HomeCooking" is "home cooking" in both.
#ifndef REACHRANK_TOPICS_ITEM_WORDS_H_
#define REACHRANK_TOPICS_ITEM_WORDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "topics/segmenter.h"

namespace reachrank::topics {

// A caption's words, and those of its hashtags, apart: the language is
// read from the caption when it has letters.
struct ItemWords {
  Segmentation caption;
  Segmentation tags;
};

// The caption `text` without its inline hashtags (SplitInlineHashtags),
// segmented by `segmenter`, and the words of `hashtags` and of the inline
// ones (HashtagText), segmented likewise. A blank part has no tokens.
// Errors are the segmenter's (INVALID_ARGUMENT for invalid UTF-8).
absl::StatusOr<ItemWords> SegmentItemWords(
    const Segmenter& segmenter, absl::string_view text,
    absl::Span<const std::string> hashtags);

// `tail`'s tokens after `head`'s, and the letters of both, in `head`: the
// model's input is the caption's words, then the hashtags'.
void AppendWords(Segmentation tail, Segmentation& head);

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_ITEM_WORDS_H_
