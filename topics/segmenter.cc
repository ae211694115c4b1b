#include "topics/segmenter.h"

#include <bitset>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/utf8.h"
#include "unicode/brkiter.h"
#include "unicode/normalizer2.h"
#include "unicode/translit.h"
#include "unicode/uchar.h"
#include "unicode/uniset.h"
#include "unicode/uscript.h"
#include "unicode/utf8.h"

namespace reachrank::topics {
namespace {

constexpr absl::string_view kUrlToken = "<url>";
constexpr absl::string_view kNumberToken = "<num>";

// True for a byte that may continue a URL: printable ASCII other than
// the quotes and angle brackets that enclose one. A non-ASCII byte ends
// it: Chinese text follows a link with "，" or U+3000, not a space.
bool InUrl(unsigned char c) {
  return c > ' ' && c < 0x7F && c != '"' && c != '\'' && c != '<' && c != '>';
}

// Length of the URL starting at `pos`, or 0. A URL starts after anything
// but an ASCII letter, digit or '_' (a space, "(", a Chinese character)
// and runs while InUrl; closing punctuation at its end (".", ",", ")"...)
// is the sentence's, not the URL's.
size_t UrlLength(absl::string_view text, size_t pos) {
  const char first = absl::ascii_tolower(static_cast<unsigned char>(text[pos]));
  if (first != 'h' && first != 'w') return 0;  // cheap test for every byte
  if (pos > 0) {
    const unsigned char before = static_cast<unsigned char>(text[pos - 1]);
    if (absl::ascii_isalnum(before) || before == '_') return 0;
  }
  absl::string_view rest = text.substr(pos);
  if (!absl::StartsWithIgnoreCase(rest, "http://") &&
      !absl::StartsWithIgnoreCase(rest, "https://") &&
      !absl::StartsWithIgnoreCase(rest, "www.")) {
    return 0;
  }
  size_t end = pos;
  while (end < text.size() && InUrl(static_cast<unsigned char>(text[end]))) {
    ++end;
  }
  while (end > pos + 4 && absl::string_view(".,;:!?)]}").find(text[end - 1]) !=
                              absl::string_view::npos) {
    --end;
  }
  return end - pos;
}

bool IsEmojiPart(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
         u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
}

// Calls f(c, begin, end) for each code point of the well-formed UTF-8
// `s`, with its byte range.
template <typename F>
void ForEachCodePoint(absl::string_view s, F f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t begin = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    f(c, begin, i);
  }
}

bool IsAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// An emoji token from a non-word segment, or "" when it holds no emoji.
// Variation selectors go so that "❤️" and "❤" are one token.
std::string EmojiToken(absl::string_view segment) {
  std::string kept;
  if (IsAscii(segment)) return kept;  // no emoji in ASCII
  bool has_emoji = false;
  ForEachCodePoint(segment, [&](UChar32 c, int32_t begin, int32_t end) {
    if (c == 0xFE0E || c == 0xFE0F || u_isUWhiteSpace(c)) return;
    has_emoji = has_emoji || IsEmojiPart(c);
    kept.append(segment.data() + begin, end - begin);
  });
  if (!has_emoji) kept.clear();
  return kept;
}

}  // namespace

// The Han characters that ICU's Traditional-Simplified transform changes
// on their own (2,853 of the 3,464 characters it may touch in ICU 72, all
// in the Basic Multilingual Plane), as one bit per BMP code point: 8 KiB,
// constant once built, so shared by every thread.
struct Segmenter::TraditionalChars {
  std::bitset<0x10000> bits;

  // True when `text` (well-formed UTF-8) reads as Traditional Chinese: it
  // holds at least two of these characters. One is not enough: a few of
  // them are current Simplified too, which the transform would spoil
  // (俱乐部 -> 具乐部, 显著 -> 显着). On SIB-200 every zho_Hant sentence but
  // one of 1,004 has two or more, and one zho_Hans sentence of 1,004.
  bool Reads(absl::string_view text) const {
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    const auto n = static_cast<int32_t>(text.size());
    int found = 0;
    for (int32_t i = 0; i < n;) {
      if (s[i] < 0xE0) {  // below U+0800 (or inside such a character)
        ++i;
        continue;
      }
      UChar32 c;
      U8_NEXT(s, i, n, c);
      if (c >= 0 && c < 0x10000 && bits[c] && ++found == 2) return true;
    }
    return false;
  }
};

const Segmenter::TraditionalChars* Segmenter::TraditionalOnly() {
  static const auto* const chars = []() -> TraditionalChars* {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> simplify(
        icu::Transliterator::createInstance("Traditional-Simplified",
                                            UTRANS_FORWARD, status));
    if (U_FAILURE(status) || simplify == nullptr) return nullptr;
    icu::UnicodeSet source;
    simplify->getSourceSet(source);
    auto* changed = new TraditionalChars();
    for (int32_t i = 0; i < source.size(); ++i) {
      const UChar32 c = source.charAt(i);
      icu::UnicodeString alone(c);
      simplify->transliterate(alone);
      UErrorCode script_status = U_ZERO_ERROR;
      if (c < 0x10000 && alone != icu::UnicodeString(c) &&
          uscript_getScript(c, &script_status) == USCRIPT_HAN) {
        changed->bits[c] = true;  // not 「」, which Japanese and zh-Hans use
      }
    }
    return changed;  // leaked: used until exit
  }();
  return chars;
}

namespace {

// Counts the letters of `word` by script; returns true when all of its
// letters are Han.
bool CountLetters(absl::string_view word, Segmentation& out) {
  bool all_han = true;
  int han = 0;
  ForEachCodePoint(word, [&](UChar32 c, int32_t, int32_t) {
    if (c < 0x80) {  // ASCII: no property lookups
      if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
        all_han = false;
        ++out.latin_letters;
      }
      return;
    }
    if (!u_isalpha(c)) return;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &status);
    if (script == USCRIPT_HAN) {
      ++out.han_letters;
      ++han;
      return;
    }
    all_han = false;
    if (script == USCRIPT_LATIN) {
      ++out.latin_letters;
    } else {
      ++out.other_letters;
    }
  });
  return all_han && han > 0;
}

// Appends the character n-grams (1..n) of a Han word.
void AppendCharNgrams(absl::string_view word, int n,
                      std::vector<std::string>& tokens) {
  absl::InlinedVector<int32_t, 16> starts;
  ForEachCodePoint(word, [&](UChar32, int32_t begin, int32_t) {
    starts.push_back(begin);
  });
  starts.push_back(static_cast<int32_t>(word.size()));
  const int chars = static_cast<int>(starts.size()) - 1;
  for (int len = 1; len <= n && len <= chars; ++len) {
    if (len == chars) break;  // that n-gram is the word itself
    for (int i = 0; i + len <= chars; ++i) {
      tokens.emplace_back(word.substr(starts[i], starts[i + len] - starts[i]));
    }
  }
}

// The word without its leading underscores ("" when nothing else).
std::string WordToken(absl::string_view word) {
  const size_t underscores = word.find_first_not_of('_');
  if (underscores == absl::string_view::npos) return "";
  return std::string(word.substr(underscores));
}

// ASCII characters by their class in ICU's root word-break rules (UAX #29
// as ICU applies it: '@' counts as a letter, ':' joins nothing).
enum class AsciiClass : uint8_t {
  kOther,       // spaces, controls, other punctuation: never in a word
  kLetter,      // a-z (after case folding), '@'
  kDigit,       // 0-9
  kUnderscore,  // ExtendNumLet: joins letters, digits and itself
  kMidNumLet,   // '.' '\'': joins two letters or two digits
  kMidNum,      // ',' ';': joins two digits
};

AsciiClass ClassOf(char c) {
  if ((c >= 'a' && c <= 'z') || c == '@') return AsciiClass::kLetter;
  if (c >= '0' && c <= '9') return AsciiClass::kDigit;
  switch (c) {
    case '_': return AsciiClass::kUnderscore;
    case '.': case '\'': return AsciiClass::kMidNumLet;
    case ',': case ';': return AsciiClass::kMidNum;
    default: return AsciiClass::kOther;
  }
}

bool IsWordPart(AsciiClass c) {
  return c == AsciiClass::kLetter || c == AsciiClass::kDigit ||
         c == AsciiClass::kUnderscore;
}

// True when `mid` between two characters of class `side` joins them.
bool JoinsAcross(AsciiClass side, AsciiClass mid) {
  if (mid == AsciiClass::kMidNumLet) {
    return side == AsciiClass::kLetter || side == AsciiClass::kDigit;
  }
  return mid == AsciiClass::kMidNum && side == AsciiClass::kDigit;
}

// ICU's rule status of a one-character word.
int32_t SingleStatus(AsciiClass c) {
  if (c == AsciiClass::kLetter) return UBRK_WORD_LETTER;
  if (c == AsciiClass::kDigit) return UBRK_WORD_NUMBER;
  return UBRK_WORD_NONE;  // a lone '_'
}

// ICU's rule status of a longer word: that of the rule joining its last
// two word parts ("a1" is a number, "1a" a letter word, "1_" a number,
// "1__" a letter word).
int32_t PairStatus(AsciiClass before, AsciiClass last) {
  if (last == AsciiClass::kDigit) return UBRK_WORD_NUMBER;
  if (last == AsciiClass::kLetter) return UBRK_WORD_LETTER;
  return before == AsciiClass::kDigit ? UBRK_WORD_NUMBER : UBRK_WORD_LETTER;
}

// Characters after which a region may end (see SegmentPlain).
bool IsRegionEnd(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A normalised text in UTF-8, with the UTF-8 byte offset of each UTF-16
// index of the original (offsets.size() == its length + 1), so that break
// positions map to byte ranges without converting each word.
struct Utf8Text {
  std::string bytes;
  std::vector<int32_t> offsets;

  absl::string_view Slice(int32_t start, int32_t end) const {
    return absl::string_view(bytes).substr(offsets[start],
                                           offsets[end] - offsets[start]);
  }
};

// `s` must hold no unpaired surrogate (true of any normalised valid text).
Utf8Text ToUtf8(const icu::UnicodeString& s) {
  Utf8Text out;
  const int32_t n = s.length();
  const char16_t* p = s.getBuffer();
  out.bytes.reserve(static_cast<size_t>(n) * 2);
  out.offsets.resize(static_cast<size_t>(n) + 1);
  for (int32_t i = 0; i < n;) {
    const int32_t begin = i;
    UChar32 c;
    U16_NEXT(p, i, n, c);
    for (int32_t j = begin; j < i; ++j) {
      out.offsets[j] = static_cast<int32_t>(out.bytes.size());
    }
    uint8_t buffer[U8_MAX_LENGTH];
    int32_t length = 0;
    UBool error = false;
    U8_APPEND(buffer, length, U8_MAX_LENGTH, c, error);
    out.bytes.append(reinterpret_cast<const char*>(buffer), length);
  }
  out.offsets[n] = static_cast<int32_t>(out.bytes.size());
  return out;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  return reachrank::IsValidUtf8(text);
}

std::string JoinTokens(const std::vector<std::string>& tokens) {
  return absl::StrJoin(tokens, " ");
}

struct Segmenter::IcuTools {
  std::unique_ptr<icu::BreakIterator> words;
  std::unique_ptr<icu::Transliterator> simplify;  // null without simplify_han

  std::unique_ptr<IcuTools> Clone() const {
    auto copy = std::make_unique<IcuTools>();
    copy->words.reset(words->clone());
    if (copy->words == nullptr) return nullptr;
    if (simplify != nullptr) {
      copy->simplify.reset(simplify->clone());
      if (copy->simplify == nullptr) return nullptr;
    }
    return copy;
  }
};

absl::StatusOr<std::unique_ptr<Segmenter>> Segmenter::Create(
    const SegmenterOptions& options) {
  if (options.cjk_char_ngrams < 0 ||
      options.cjk_char_ngrams > kMaxCjkCharNgrams) {
    return absl::InvalidArgumentError(
        absl::StrCat("cjk_char_ngrams: must be 0..", kMaxCjkCharNgrams));
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer =
      icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) {
    return absl::InternalError(std::string("ICU NFKC_Casefold data: ") +
                               u_errorName(status));
  }
  auto tools = std::make_unique<IcuTools>();
  tools->words.reset(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || tools->words == nullptr) {
    return absl::InternalError(std::string("ICU word break iterator: ") +
                               u_errorName(status));
  }
  const TraditionalChars* traditional = nullptr;
  if (options.simplify_han) {
    tools->simplify.reset(icu::Transliterator::createInstance(
        "Traditional-Simplified", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || tools->simplify == nullptr) {
      return absl::InternalError(
          std::string("ICU Traditional-Simplified transform: ") +
          u_errorName(status));
    }
    traditional = TraditionalOnly();
    if (traditional == nullptr) {
      return absl::InternalError("ICU Traditional-Simplified source set");
    }
  }
  return std::unique_ptr<Segmenter>(new Segmenter(
      options, normalizer, std::move(tools), traditional));
}

Segmenter::Segmenter(const SegmenterOptions& options,
                     const icu::Normalizer2* normalizer,
                     std::unique_ptr<IcuTools> prototype,
                     const TraditionalChars* traditional)
    : options_(options),
      normalizer_(normalizer),
      prototype_(std::move(prototype)),
      traditional_(traditional) {}

Segmenter::~Segmenter() = default;

std::unique_ptr<Segmenter::IcuTools> Segmenter::Borrow() const {
  {
    absl::MutexLock lock(&mu_);
    if (!pool_.empty()) {
      std::unique_ptr<IcuTools> tools = std::move(pool_.back());
      pool_.pop_back();
      return tools;
    }
  }
  return prototype_->Clone();
}

void Segmenter::Return(std::unique_ptr<IcuTools> tools) const {
  if (tools == nullptr) return;
  absl::MutexLock lock(&mu_);
  pool_.push_back(std::move(tools));
}

absl::StatusOr<Segmentation> Segmenter::Segment(absl::string_view text) const {
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError("text is not valid UTF-8");
  }
  Segmentation out;
  out.tokens.reserve(text.size() / 4);  // about one token per 4-6 bytes
  std::unique_ptr<IcuTools> tools = Borrow();
  if (tools == nullptr) return absl::InternalError("ICU clone failed");
  // Decided once for the whole text, so that all of its parts are alike.
  const bool simplify =
      traditional_ != nullptr && traditional_->Reads(text);
  size_t plain_start = 0;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const size_t url = UrlLength(text, pos);
    if (url == 0) continue;
    SegmentPlain(text.substr(plain_start, pos - plain_start), *tools,
                 simplify, out);
    out.tokens.emplace_back(kUrlToken);
    pos += url - 1;
    plain_start = pos + 1;
  }
  SegmentPlain(text.substr(plain_start), *tools, simplify, out);
  Return(std::move(tools));
  return out;
}

void Segmenter::SegmentPlain(absl::string_view text, IcuTools& tools,
                             bool simplify, Segmentation& out) const {
  if (!options_.ascii_fast_path) {
    SegmentIcu(text, tools, simplify, out);
    return;
  }
  // Regions end after ASCII whitespace that an ASCII byte follows. ICU
  // always breaks there (no word rule joins across a space or a control
  // character, and ASCII holds no Extend or Format character) and
  // normalisation never reaches across it (an ASCII character composes with
  // nothing before it), so each region gives the same tokens alone as in the
  // whole text. All-ASCII regions skip ICU.
  const std::string lower = absl::AsciiStrToLower(text);
  size_t pending = 0;  // start of the regions that still need ICU
  size_t begin = 0;
  while (begin < text.size()) {
    bool ascii = true;
    size_t end = begin;
    while (end < text.size()) {
      const auto c = static_cast<unsigned char>(text[end++]);
      if (c >= 0x80) {
        ascii = false;
      } else if (IsRegionEnd(c) &&
                 (end == text.size() ||
                  static_cast<unsigned char>(text[end]) < 0x80)) {
        break;
      }
    }
    if (ascii) {
      SegmentIcu(text.substr(pending, begin - pending), tools, simplify, out);
      SegmentAscii(absl::string_view(lower).substr(begin, end - begin), out);
      pending = end;
    }
    begin = end;
  }
  SegmentIcu(text.substr(pending), tools, simplify, out);
}

void Segmenter::SegmentAscii(absl::string_view lower,
                             Segmentation& out) const {
  size_t i = 0;
  while (i < lower.size()) {
    const AsciiClass first = ClassOf(lower[i]);
    if (!IsWordPart(first)) {  // spaces and punctuation: no token
      ++i;
      continue;
    }
    const size_t begin = i++;
    int32_t status = SingleStatus(first);
    AsciiClass last = first;
    while (i < lower.size()) {
      const AsciiClass c = ClassOf(lower[i]);
      if (IsWordPart(c)) {  // WB5, WB8-WB10, WB13a/b
        status = PairStatus(last, c);
        last = c;
        ++i;
      } else if (JoinsAcross(last, c) && i + 1 < lower.size() &&
                 ClassOf(lower[i + 1]) == last) {  // WB6/7, WB11/12
        status = PairStatus(last, last);
        i += 2;
      } else {
        break;
      }
    }
    AddWord(lower.substr(begin, i - begin), status, out);
  }
}

void Segmenter::SegmentIcu(absl::string_view text, IcuTools& tools,
                           bool simplify, Segmentation& out) const {
  if (text.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString normal = normalizer_->normalize(source, status);
  if (U_FAILURE(status)) return;  // only on allocation failure
  if (simplify) tools.simplify->transliterate(normal);
  icu::BreakIterator& words = *tools.words;
  words.setText(normal);
  const Utf8Text utf8 = ToUtf8(normal);
  int32_t start = words.first();
  for (int32_t end = words.next(); end != icu::BreakIterator::DONE;
       start = end, end = words.next()) {
    AddWord(utf8.Slice(start, end), words.getRuleStatus(), out);
  }
}

void Segmenter::AddWord(absl::string_view piece, int32_t rule,
                        Segmentation& out) const {
  if (rule < UBRK_WORD_NONE_LIMIT) {
    std::string emoji = EmojiToken(piece);
    if (!emoji.empty()) out.tokens.push_back(std::move(emoji));
  } else if (rule < UBRK_WORD_NUMBER_LIMIT && options_.replace_numbers) {
    out.tokens.emplace_back(kNumberToken);
  } else {
    const bool han = CountLetters(piece, out);
    std::string token = WordToken(piece);
    if (token.empty()) return;
    out.tokens.push_back(std::move(token));
    if (han && options_.cjk_char_ngrams > 0) {
      AppendCharNgrams(piece, options_.cjk_char_ngrams, out.tokens);
    }
  }
}

}  // namespace reachrank::topics
