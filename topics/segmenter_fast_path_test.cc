// The ASCII fast path of the segmenter must give exactly ICU's tokens: each
// test segments the same texts with and without it and compares.
#include <cstdint>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "topics/segmenter.h"

namespace reachrank::topics {
namespace {

class FastPathTest : public ::testing::TestWithParam<SegmenterOptions> {
 protected:
  void SetUp() override {
    SegmenterOptions fast = GetParam();
    fast.ascii_fast_path = true;
    SegmenterOptions icu = GetParam();
    icu.ascii_fast_path = false;
    fast_ = *Segmenter::Create(fast);
    icu_ = *Segmenter::Create(icu);
  }

  // Adds a failure naming the text when the two paths disagree.
  void ExpectSame(const std::string& text) {
    absl::StatusOr<Segmentation> fast = fast_->Segment(text);
    absl::StatusOr<Segmentation> icu = icu_->Segment(text);
    ASSERT_EQ(fast.ok(), icu.ok()) << Printable(text);
    if (!fast.ok()) return;
    ++compared_;
    EXPECT_EQ(fast->tokens, icu->tokens) << Printable(text);
    EXPECT_EQ(fast->latin_letters, icu->latin_letters) << Printable(text);
    EXPECT_EQ(fast->han_letters, icu->han_letters) << Printable(text);
    EXPECT_EQ(fast->other_letters, icu->other_letters) << Printable(text);
  }

  static std::string Printable(const std::string& text) {
    std::string out = "text \"";
    for (unsigned char c : text) {
      if (c < 0x20 || c == 0x7f) {
        out += "\\x" + std::string(1, "0123456789abcdef"[c >> 4]) +
               std::string(1, "0123456789abcdef"[c & 15]);
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  }

  std::unique_ptr<Segmenter> fast_;
  std::unique_ptr<Segmenter> icu_;
  int compared_ = 0;
};

// Every ASCII character alone and every pair of them.
TEST_P(FastPathTest, AllAsciiPairs) {
  for (int a = 0; a < 128; ++a) {
    ExpectSame(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 128; ++b) {
      ExpectSame({static_cast<char>(a), static_cast<char>(b)});
    }
  }
  EXPECT_EQ(compared_, 128 + 128 * 128);
}

// Every string of up to four characters over one representative of each
// class of the word-break rules (and a few neighbours of theirs).
TEST_P(FastPathTest, ShortStringsOverEveryClass) {
  const std::string alphabet = "aZ@1_.',;: -\n#";
  std::string text;
  int count = 0;
  for (int length = 3; length <= 4; ++length) {
    std::vector<size_t> digits(length, 0);
    while (true) {
      text.clear();
      for (size_t d : digits) text += alphabet[d];
      ExpectSame(text);
      ++count;
      size_t i = 0;
      while (i < digits.size() && ++digits[i] == alphabet.size()) {
        digits[i++] = 0;
      }
      if (i == digits.size()) break;
    }
  }
  EXPECT_EQ(count, 14 * 14 * 14 + 14 * 14 * 14 * 14);
}

// Random texts mixing ASCII with non-ASCII pieces that interact with
// normalisation and word breaks: combining marks after spaces, no-break
// spaces, full-width letters, ligatures, Chinese, Thai, emoji with
// variation selectors and joiners, curly apostrophes.
TEST_P(FastPathTest, RandomMixedTexts) {
  const std::vector<std::string> pieces = {
      "a", "Q", "@", "7", "_", ".", "'", ",", ";", ":", " ", "  ", "\t",
      "\n", "\r\n", "-", "#", "x1", "Hello", "U.S.", "3.5", "1,000",
      "don't", "www.x.org", "http://a.b/c", "__label__",
      "\xC3\x9F",              // ß
      "\xC3\xBC",              // ü
      "\xCC\x81",              // combining acute
      "\xC2\xA0",              // no-break space
      "\xEF\xBC\xA1",          // full-width A
      "\xEF\xAC\x81",          // fi ligature
      "\xE4\xB8\xAD\xE6\x96\x87",  // 中文
      "\xE5\x8C\x97\xE4\xBA\xAC",  // 北京
      "\xE0\xB8\x81\xE0\xB8\xB2",  // Thai
      "\xF0\x9F\x98\x80",      // emoji
      "\xEF\xB8\x8F",          // variation selector 16
      "\xE2\x80\x8D",          // zero-width joiner
      "\xE2\x80\x99",          // right single quotation mark
      "\xE2\x80\x8B",          // zero-width space
      "\xC2\xAD",              // soft hyphen
  };
  std::mt19937 rng(20261129);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 24);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n) text += pieces[pick(rng)];
    ExpectSame(text);
  }
  EXPECT_EQ(compared_, 20000);
}

// The SIB-200 sentences the default model is trained and tested on.
TEST_P(FastPathTest, Sib200Sentences) {
  for (const char* language : {"eng_Latn", "deu_Latn", "zho_Hans"}) {
    for (const char* split : {"train", "dev", "test"}) {
      const std::string path = std::string(REACHRANK_DATA_DIR) + "/sib200/" +
                               language + "/" + split + ".tsv";
      std::ifstream in(path);
      ASSERT_TRUE(in.good()) << path;
      std::string line;
      std::getline(in, line);  // header
      while (std::getline(in, line)) {
        std::vector<std::string> cells = absl::StrSplit(line, '\t');
        ASSERT_EQ(cells.size(), 3u) << path << ": " << line;
        ExpectSame(cells[2]);
      }
    }
  }
  EXPECT_EQ(compared_, 3 * 1004);
}

INSTANTIATE_TEST_SUITE_P(
    Options, FastPathTest,
    ::testing::Values(SegmenterOptions{2, true}, SegmenterOptions{0, false}),
    [](const ::testing::TestParamInfo<SegmenterOptions>& info) {
      return info.param.replace_numbers ? std::string("NumbersReplaced")
                                        : std::string("NumbersKept");
    });

}  // namespace
}  // namespace reachrank::topics
