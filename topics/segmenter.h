// Text normalisation and segmentation: the one function that turns a text
// into the tokens a topic or language model sees, used by training and
// prediction alike.
//
// Steps, in order:
//  1. URLs become the token "<url>": "http://", "https://" or "www." (any
//     case) not after an ASCII letter, digit or '_', running over
//     printable ASCII but quotes and angle brackets (a non-ASCII character
//     ends one), without the closing punctuation at their end.
//  2. The rest is normalised with ICU's NFKC_Casefold (NFKC, then Unicode
//     case folding: "Straße" -> "strasse", full-width "ＡＢＣ" -> "abc").
//     With `simplify_han`, a text that reads as Traditional Chinese (two
//     or more characters, anywhere in it, that the transform changes on
//     their own) then becomes
//     Simplified (ICU's Traditional-Simplified transform: 臺灣網路 ->
//     台湾网路), so a model sees one script of written Chinese. Other
//     texts are left as they are: the transform would spoil some current
//     Simplified words (俱乐部 -> 具乐部). Japanese with two such kanji is
//     mapped too (國語 -> 国语).
//  3. ICU's word BreakIterator (root locale) splits it into words; Chinese
//     and Japanese are split by ICU's dictionary (我们今天去北京 ->
//     我们/今天/去/北京). Punctuation and spaces are dropped.
//  4. Numbers (ICU's "number" words, e.g. "3.5", "2024") become "<num>"
//     when `replace_numbers` is set.
//  5. Emoji (Extended_Pictographic, modifiers kept with their emoji) are
//     kept as tokens, without variation selectors. NFKC_Casefold (step 1)
//     drops the zero-width joiner, so a ZWJ sequence becomes its emoji
//     (👨‍👩‍👧 -> 👨 👩 👧).
//  6. Leading underscores are stripped from words so that no token can look
//     like a fastText label ("__label__x" -> "label__x").
//  7. With `cjk_char_ngrams` = n > 0, each Han word is followed by its Han
//     character n-grams of length 1..n (北京 -> 北京 北 京 [北京]).
#ifndef REACHRANK_TOPICS_SEGMENTER_H_
#define REACHRANK_TOPICS_SEGMENTER_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

#include "unicode/uversion.h"

U_NAMESPACE_BEGIN
class BreakIterator;
class Normalizer2;
class Transliterator;
U_NAMESPACE_END

namespace reachrank::topics {

// The longest Han character n-grams SegmenterOptions may ask for.
inline constexpr int kMaxCjkCharNgrams = 8;

struct SegmenterOptions {
  // Han character n-grams of length 1..n emitted after each Han word; 0 =
  // off. 0..kMaxCjkCharNgrams.
  int cjk_char_ngrams = 0;
  // Numbers become "<num>".
  bool replace_numbers = true;
  // Texts in Traditional Han characters become Simplified (step 2). Off by
  // default: a model directory without the key was trained without it.
  bool simplify_han = false;
  // Parts of a text that are plain ASCII skip ICU and are split by the same
  // rules in a direct loop. The tokens are identical either way (the tests
  // compare both); false is for those tests.
  bool ascii_fast_path = true;
};

// Tokens of one text plus letter counts by script (after normalisation),
// which language detection uses to recognise texts in other scripts.
struct Segmentation {
  std::vector<std::string> tokens;
  int latin_letters = 0;
  int han_letters = 0;
  int other_letters = 0;  // letters of any other script (Cyrillic, Kana...)
};

// True when most letters of `text` are Han: such texts go to the Han
// topic model of a model directory when it has one (model_dir.h).
inline bool MostlyHan(const Segmentation& text) {
  return text.han_letters > text.latin_letters + text.other_letters;
}

// True when most letters of `text` are of scripts other than Latin and Han
// (Cyrillic, Arabic, Kana...), which the language and topic models are
// not trained on: its language is "other" and it gets no topics.
inline bool MostlyOtherScripts(const Segmentation& text) {
  return text.other_letters > text.latin_letters + text.han_letters;
}

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(absl::string_view text);

// Tokens joined by single spaces: the line format fastText reads.
std::string JoinTokens(const std::vector<std::string>& tokens);

// Segments texts as described above. Thread-safe: ICU break iterators are
// not, so each call borrows one from a mutex-guarded pool.
class Segmenter {
 public:
  // INTERNAL when ICU's normaliser, break iterator or (with
  // `simplify_han`) transliterator data cannot be loaded.
  static absl::StatusOr<std::unique_ptr<Segmenter>> Create(
      const SegmenterOptions& options);
  ~Segmenter();

  // INVALID_ARGUMENT when `text` is not valid UTF-8.
  absl::StatusOr<Segmentation> Segment(absl::string_view text) const;

  const SegmenterOptions& options() const { return options_; }

 private:
  // The characters that mark a text as Traditional Chinese.
  struct TraditionalChars;
  // Those of ICU's Traditional-Simplified transform, built once per
  // process (about 70 ms); null if ICU cannot create the transform.
  static const TraditionalChars* TraditionalOnly();

  // One caller's ICU objects, which are not thread-safe: a word break
  // iterator and, with `simplify_han`, the Traditional-Simplified transform.
  struct IcuTools;

  Segmenter(const SegmenterOptions& options,
            const icu::Normalizer2* normalizer,
            std::unique_ptr<IcuTools> prototype,
            const TraditionalChars* traditional);
  // A pooled IcuTools, or a clone of the prototype; nullptr if ICU fails.
  std::unique_ptr<IcuTools> Borrow() const;
  void Return(std::unique_ptr<IcuTools> tools) const;
  // Segments `text`, which holds no URL; `simplify`: map it from
  // Traditional to Simplified (the whole text read as Traditional).
  void SegmentPlain(absl::string_view text, IcuTools& tools, bool simplify,
                    Segmentation& out) const;
  // ICU's normalisation and word breaks, for any valid text.
  void SegmentIcu(absl::string_view text, IcuTools& tools, bool simplify,
                  Segmentation& out) const;
  // The same for case-folded ASCII text, without ICU.
  void SegmentAscii(absl::string_view lower, Segmentation& out) const;
  // Adds the token(s) of one word of ICU rule status `rule`.
  void AddWord(absl::string_view piece, int32_t rule, Segmentation& out) const;

  // Constant after construction.
  const SegmenterOptions options_;
  const icu::Normalizer2* const normalizer_;  // owned by ICU
  const std::unique_ptr<IcuTools> prototype_;
  // Process-wide; null without simplify_han.
  const TraditionalChars* const traditional_;

  mutable absl::Mutex mu_;
  mutable std::vector<std::unique_ptr<IcuTools>> pool_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::topics

#endif  // REACHRANK_TOPICS_SEGMENTER_H_
