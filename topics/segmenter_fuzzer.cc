// Fuzz target: the segmenter's ASCII fast path. For every valid UTF-8
// input, segmenting with and without it must give the same tokens and
// letter counts (with Han n-grams and numbers replaced, with neither, and
// with Traditional texts mapped to Simplified).
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/strings/string_view.h"
#include "topics/segmenter.h"

namespace {

using reachrank::topics::Segmentation;
using reachrank::topics::Segmenter;
using reachrank::topics::SegmenterOptions;

std::unique_ptr<Segmenter> Make(int ngrams, bool numbers, bool fast,
                                bool simplify = false) {
  SegmenterOptions options{ngrams, numbers};
  options.ascii_fast_path = fast;
  options.simplify_han = simplify;
  return std::move(*Segmenter::Create(options));
}

bool Same(const Segmentation& a, const Segmentation& b) {
  return a.tokens == b.tokens && a.latin_letters == b.latin_letters &&
         a.han_letters == b.han_letters && a.other_letters == b.other_letters;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Segmenter* const fast[3] = {
      Make(2, true, true).release(), Make(0, false, true).release(),
      Make(2, true, true, true).release()};
  static const Segmenter* const icu[3] = {
      Make(2, true, false).release(), Make(0, false, false).release(),
      Make(2, true, false, true).release()};
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 3; ++i) {
    auto a = fast[i]->Segment(text);
    auto b = icu[i]->Segment(text);
    if (a.ok() != b.ok()) std::abort();
    if (a.ok() && !Same(*a, *b)) std::abort();
  }
  return 0;
}
