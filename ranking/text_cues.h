// A multilingual cue detector for post texts (en, de, zh): how strongly a
// text reads as useful (how-to, tutorial, review, steps, prices and
// quantities) or as daily-life chatter. The cues are phrase lists and simple
// patterns, documented in docs/features.md; their weight is for the model to
// learn. Pure functions; thread-safe.
#ifndef REACHRANK_RANKING_TEXT_CUES_H_
#define REACHRANK_RANKING_TEXT_CUES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace reachrank::ranking {

struct TextCues {
  // Distinct utility phrases found in the text or hashtags (how to,
  // tutorial, guide, tips, review, Anleitung, 教程, 攻略, ...), capped at 3.
  int utility = 0;
  // Step markers: "step"/"Schritt"/"步骤"/"第…步" words and enumerations
  // ("1.", "2)") at the start of a word, capped at 5.
  int steps = 0;
  // Numbers with a unit or a currency ("5 kg", "€20", "30元", "10%"),
  // capped at 5.
  int quantities = 0;
  // Distinct daily-life phrases (my day, vlog, today I, Mein Tag, 日常,
  // 今天, ...), capped at 3.
  int daily_life = 0;
};

// Detects cues in `text` (UTF-8) and `hashtags` (without '#'). Matching is
// case-insensitive for ASCII letters; any language's phrases are looked for
// in any text, so a mislabelled language does not hide cues.
TextCues DetectCues(absl::string_view text,
                    absl::Span<const std::string> hashtags);

// Number of Unicode code points in valid UTF-8 (continuation bytes are not
// counted), the text length feature.
size_t CountCodePoints(absl::string_view text);

// The content figures of one text: its cues and its length in code points.
struct TextFigures {
  TextCues cues;
  size_t code_points = 0;
};

// Remembers the figures of texts already seen, so a post ranked again is
// not scanned again. Keyed by a 64-bit hash of the text and hashtags
// (never the text itself: 100,000 texts of 16 KiB would hold 1.6 GB), so
// an entry costs tens of bytes; two of 100,000 texts share a key with a
// probability of about 3e-10, and then one gets the other's figures. Holds at
// most `max_entries` texts (all are dropped when full). Thread-safe.
class TextFiguresCache {
 public:
  explicit TextFiguresCache(size_t max_entries = 100000)
      : max_entries_(max_entries) {}

  // DetectCues and CountCodePoints of `text` and `hashtags`.
  TextFigures Get(absl::string_view text,
                  absl::Span<const std::string> hashtags);

  // Texts remembered now.
  size_t size() const;

 private:
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<uint64_t, TextFigures> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::ranking

#endif  // REACHRANK_RANKING_TEXT_CUES_H_
