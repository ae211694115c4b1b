// `reachrank topics eval` through the real binary on the default model and
// SIB-200's test splits: the accuracy line with its interval, --baseline,
// which compares two models on the same texts, and the quality bar;
// `topics classify` on scripts and short captions; `topics segment`'s
// Han flags; `topics seal`.
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/cli/cli_testing.h"
#include "topics/classifier.h"
#include "topics/model_dir.h"

namespace reachrank::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Lines;
using testing::RunShell;
using testing::ShellQuote;

testing::CommandResult Eval(const std::string& flags,
                            const std::string& split = "zho_Hans") {
  return RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics eval --model ",
      ShellQuote(REACHRANK_TOPICS_MODEL), " --data ",
      ShellQuote(absl::StrCat(REACHRANK_SIB200_DIR, "/", split, "/test.tsv")),
      " ", flags));
}

// A new directory "reachrank-<purpose>-XXXXXX" under the temporary
// directory, for the test to remove; "" when it cannot be made.
std::string MakeScratch(const std::string& purpose) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("reachrank-" + purpose + "-XXXXXX"))
                        .string();
  return mkdtemp(dir.data()) != nullptr ? dir : "";
}

// The cells of the "accuracy LANG ..." line of `output`, split on spaces:
// "accuracy zh     80.39 %  (164/204)  95% CI 74.40-85.26 %".
std::vector<std::string> AccuracyCells(const std::string& output,
                                       const std::string& language) {
  for (const std::string& line : Lines(output)) {
    if (line.rfind(absl::StrCat("accuracy ", language, " "), 0) != 0) continue;
    return absl::StrSplit(line, ' ', absl::SkipEmpty());
  }
  return {};
}

// Wilson's 95 % score interval of k successes in n, in per cent.
std::pair<double, double> Wilson(double k, double n) {
  const double z = 1.959963984540054, p = k / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half =
      z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  return {100 * (centre - half), 100 * (centre + half)};
}

TEST(TopicsEvalTest, PrintsAccuracyWithItsInterval) {
  const testing::CommandResult r = Eval("");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> cells = AccuracyCells(r.output, "zh");
  ASSERT_EQ(cells.size(), 9u) << r.output;
  double accuracy = 0, right = 0, low = 0, high = 0;
  ASSERT_TRUE(absl::SimpleAtod(cells[2], &accuracy)) << r.output;
  const std::vector<std::string> count =
      absl::StrSplit(absl::StripPrefix(cells[4], "("), '/');
  ASSERT_EQ(count.size(), 2u) << cells[4];
  ASSERT_TRUE(absl::SimpleAtod(count[0], &right)) << cells[4];
  EXPECT_EQ(count[1], "204)");
  EXPECT_NEAR(accuracy, 100 * right / 204, 0.005);
  EXPECT_EQ(cells[5], "95%");
  const std::vector<std::string> bounds = absl::StrSplit(cells[7], '-');
  ASSERT_EQ(bounds.size(), 2u) << cells[7];
  ASSERT_TRUE(absl::SimpleAtod(bounds[0], &low) &&
              absl::SimpleAtod(bounds[1], &high))
      << cells[7];
  const auto [wilson_low, wilson_high] = Wilson(right, 204);
  EXPECT_NEAR(low, wilson_low, 0.005);
  EXPECT_NEAR(high, wilson_high, 0.005);
  EXPECT_THAT(r.output, Not(HasSubstr("minus b")));
}

// The bar: on every SIB-200 test split the default model is at
// least the paper's n-gram MLP (59.9 en, 61.8 de, 74.7 zh; Adelani et al.
// 2023, Table 7). Training is deterministic, so this guards the shipped
// figures (docs/topics.md, "Quality") against regressions.
TEST(TopicsEvalTest, DefaultModelClearsThePaperBaselines) {
  const struct {
    const char* split;
    const char* language;
    double baseline;
  } bars[] = {{"eng_Latn", "en", 59.9},
              {"deu_Latn", "de", 61.8},
              {"zho_Hans", "zh", 74.7}};
  for (const auto& bar : bars) {
    const testing::CommandResult r = Eval("", bar.split);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::vector<std::string> cells =
        AccuracyCells(r.output, bar.language);
    ASSERT_GE(cells.size(), 3u) << r.output;
    double accuracy = 0;
    ASSERT_TRUE(absl::SimpleAtod(cells[2], &accuracy)) << r.output;
    EXPECT_GE(accuracy, bar.baseline) << bar.split;
  }
}

// Chinese in Traditional characters clears the same bar as Simplified
// (the model before simplify_han and the zho_Hant training sentences:
// 61.76 %).
TEST(TopicsEvalTest, TraditionalScriptClearsTheChineseBaseline) {
  const testing::CommandResult r = Eval("", "zho_Hant");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> cells = AccuracyCells(r.output, "zh");
  ASSERT_GE(cells.size(), 3u) << r.output;
  double accuracy = 0;
  ASSERT_TRUE(absl::SimpleAtod(cells[2], &accuracy)) << r.output;
  EXPECT_GE(accuracy, 74.7);
}

// The default model reads Chinese in Traditional characters as Chinese:
// `topics classify` (language detected) on SIB-200's zho_Hant test texts.
TEST(TopicsClassifyTest, TraditionalScriptIsDetectedAsChinese) {
  const testing::CommandResult r = RunShell(
      absl::StrCat("tail -n +2 ",
                   ShellQuote(absl::StrCat(REACHRANK_SIB200_DIR,
                                           "/zho_Hant/test.tsv")),
                   " | cut -f3 | ", ShellQuote(REACHRANK_CLI_BINARY),
                   " topics classify --model ",
                   ShellQuote(REACHRANK_TOPICS_MODEL)),
      /*stderr_too=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  int results = 0, chinese = 0;
  for (const std::string& line : Lines(r.output)) {
    if (line.empty()) continue;  // after the last newline
    ++results;
    chinese += absl::StrContains(line, "\"language\":\"zh\"");
  }
  ASSERT_EQ(results, 204) << r.output;
  EXPECT_GE(chinese, 0.95 * 204);
}

// Short captions in Latin letters that the default model's language
// detector once read as Chinese (it has few n-grams to go on) are English or
// German now: a text without Han characters is never "zh".
TEST(TopicsClassifyTest, ShortLatinCaptionsAreNeverChinese) {
  const testing::CommandResult r =
      RunShell(absl::StrCat("printf 'gym\\nÖl\\nSchöööön!\\n' | ",
                            ShellQuote(REACHRANK_CLI_BINARY),
                            " topics classify --model ",
                            ShellQuote(REACHRANK_TOPICS_MODEL)),
               /*stderr_too=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> lines = Lines(r.output);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_EQ(lines.size(), 3u) << r.output;
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::AnyOf(HasSubstr("\"language\":\"en\""),
                                       HasSubstr("\"language\":\"de\"")));
  }
}

TEST(TopicsEvalTest, AModelAgainstItselfDiffersNowhere) {
  const testing::CommandResult r =
      Eval(absl::StrCat("--baseline ", ShellQuote(REACHRANK_TOPICS_MODEL)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the same texts, paired:"));
  EXPECT_THAT(r.output, HasSubstr("zh     +0.00 points  95% CI +0.00 to "
                                  "+0.00  (only a right: 0, only b right: "
                                  "0, of 204)"));
  const testing::CommandResult missing = Eval("--baseline /nonexistent");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("/nonexistent"));
}

// An example whose topic the model cannot predict would count as its
// error: refused, naming the file and line; so is a language tag the
// services would refuse.
TEST(TopicsEvalTest, RefusesATopicOutsideTheTaxonomyAndABadLanguage) {
  const std::string scratch = MakeScratch("eval");
  ASSERT_FALSE(scratch.empty());
  const std::string data = scratch + "/d.jsonl";
  std::ofstream(data) << "{\"text\":\"The striker scored twice\",\"topic\":"
                         "\"sports\"}\n{\"text\":\"Recipes\",\"topic\":"
                         "\"cooking\"}\n";
  const testing::CommandResult r = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics eval --model ",
      ShellQuote(REACHRANK_TOPICS_MODEL), " --data ", ShellQuote(data)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr(absl::StrCat(data,
                                     ":2: topic \"cooking\" is not in the "
                                     "taxonomy of ",
                                     REACHRANK_TOPICS_MODEL)));
  // A text the classifier would refuse, named by line (was "items[4]").
  std::ofstream(data) << "{\"text\":\"The striker scored twice\",\"topic\":"
                         "\"sports\"}\n{\"text\":\""
                      << std::string(topics::kMaxTextBytes + 1, 'a')
                      << "\",\"topic\":\"sports\"}\n";
  const testing::CommandResult long_text = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics eval --model ",
      ShellQuote(REACHRANK_TOPICS_MODEL), " --data ", ShellQuote(data)));
  EXPECT_EQ(long_text.exit_code, 1) << long_text.output;
  EXPECT_THAT(
      long_text.output,
      HasSubstr(absl::StrCat(data, ":2: text: ", topics::kMaxTextBytes + 1,
                             " bytes, at most ", topics::kMaxTextBytes)));

  const testing::CommandResult tag = RunShell(absl::StrCat(
      "echo 'The striker scored twice' | ", ShellQuote(REACHRANK_CLI_BINARY),
      " topics classify --language 'en_US!!' --model ",
      ShellQuote(REACHRANK_TOPICS_MODEL)));
  EXPECT_EQ(tag.exit_code, 2) << tag.output;
  EXPECT_THAT(tag.output, HasSubstr("--language: must be at most 35 bytes of "
                                    "[A-Za-z0-9-], not 'en_US!!'"));
  std::filesystem::remove_all(scratch);
}

// `topics seal`: a setting edited by hand in the default model's
// metadata.json is refused at load, naming the command that accepts it;
// sealing gives the directory a version of its own, and it loads again.
TEST(TopicsSealTest, AHandEditedSettingGetsAVersionOfItsOwn) {
  const std::string scratch = MakeScratch("seal");
  ASSERT_FALSE(scratch.empty());
  const std::string dir = scratch + "/model";
  const std::string classify =
      absl::StrCat("printf 'The striker scored twice\\n' | ",
                   ShellQuote(REACHRANK_CLI_BINARY),
                   " topics classify --model ", ShellQuote(dir));
  const testing::CommandResult copied = RunShell(absl::StrCat(
      "cp -r ", ShellQuote(REACHRANK_TOPICS_MODEL), " ", ShellQuote(dir),
      " && sed -i 's/\"han_weight\": 0.5,/\"han_weight\": 0.9,/' ",
      ShellQuote(dir + "/metadata.json"), " && grep -c '\"han_weight\": 0.9' ",
      ShellQuote(dir + "/metadata.json")));
  ASSERT_EQ(copied.exit_code, 0) << copied.output;

  const testing::CommandResult refused = RunShell(classify);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr("edited after the model was sealed"));
  EXPECT_THAT(refused.output, HasSubstr("reachrank topics seal"));

  const testing::CommandResult sealed = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics seal ", ShellQuote(dir)));
  ASSERT_EQ(sealed.exit_code, 0) << sealed.output;
  // "DIR: model_version sib200-ft-XXXXXXXX -> sib200-ft-YYYYYYYY"
  const std::vector<std::string> words =
      absl::StrSplit(absl::StripSuffix(sealed.output, "\n"), ' ');
  ASSERT_EQ(words.size(), 5u) << sealed.output;
  EXPECT_EQ(words[1], "model_version");
  EXPECT_EQ(words[3], "->");
  EXPECT_EQ(words[2].rfind("sib200-ft-", 0), 0u) << sealed.output;
  EXPECT_EQ(words[4].rfind("sib200-ft-", 0), 0u) << sealed.output;
  EXPECT_NE(words[2], words[4]);

  const testing::CommandResult loaded = RunShell(classify);
  EXPECT_EQ(loaded.exit_code, 0) << loaded.output;
  EXPECT_THAT(loaded.output, HasSubstr("\"topics\":[{\"probability\":"));
  const testing::CommandResult missing =
      RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY), " topics seal ",
                            ShellQuote(scratch + "/none")));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(missing.output, HasSubstr("none"));
  std::filesystem::remove_all(scratch);
}

// `topics segment` maps Traditional characters to Simplified unless told
// --no-simplify-han; asking for both is refused.
TEST(TopicsSegmentTest, SimplifyHanFlagsTurnTheMappingOnAndOff) {
  const std::string scratch = MakeScratch("segment");
  ASSERT_FALSE(scratch.empty());
  const std::string tsv = scratch + "/traditional.tsv";
  std::ofstream(tsv) << "index_id\tcategory\ttext\n"
                     << "1\ttravel\t這個國家的鐵路很發達\n";
  auto segment = [&](const std::string& flags) {
    return RunShell(absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY),
                                 " topics segment --cjk-char-ngrams 0 --data ",
                                 ShellQuote(tsv), " ", flags),
                    /*stderr_too=*/false);
  };
  const std::string simplified = "__label__travel 这个 国家 的 铁路 很 发达\n";
  const testing::CommandResult by_default = segment("");
  EXPECT_EQ(by_default.exit_code, 0);
  EXPECT_EQ(by_default.output, simplified);
  const testing::CommandResult on = segment("--simplify-han");
  EXPECT_EQ(on.exit_code, 0);
  EXPECT_EQ(on.output, simplified);
  const testing::CommandResult off = segment("--no-simplify-han");
  EXPECT_EQ(off.exit_code, 0);
  EXPECT_EQ(off.output, "__label__travel 這個 國家 的 鐵路 很 發達\n");
  const testing::CommandResult both = RunShell(
      absl::StrCat(ShellQuote(REACHRANK_CLI_BINARY), " topics segment --data ",
                   ShellQuote(tsv), " --simplify-han --no-simplify-han"));
  EXPECT_NE(both.exit_code, 0);
  EXPECT_THAT(both.output,
              HasSubstr("--simplify-han excludes --no-simplify-han"));
  std::filesystem::remove_all(scratch);
}

// A directory whose files match their (hand-written) fingerprints but do
// not make a classifier — a topic of the model cut from taxonomy.tsv — is
// not sealed: seal fails saying why and leaves metadata.json as it was.
TEST(TopicsSealTest, ADirectoryThatWouldNotLoadIsNotSealed) {
  const std::string scratch = MakeScratch("seal-broken");
  ASSERT_FALSE(scratch.empty());
  const std::string dir = scratch + "/model";
  std::filesystem::copy(REACHRANK_TOPICS_MODEL, dir);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string taxonomy = read(dir + "/taxonomy.tsv");
  std::string cut;
  for (absl::string_view line : absl::StrSplit(taxonomy, '\n')) {
    if (line.empty() || absl::StartsWith(line, "geography\t")) continue;
    absl::StrAppend(&cut, line, "\n");
  }
  ASSERT_NE(cut, taxonomy);
  std::ofstream(dir + "/taxonomy.tsv", std::ios::binary) << cut;
  std::string metadata = read(dir + "/metadata.json");
  const std::string old_print = topics::Fingerprint(taxonomy);
  ASSERT_NE(metadata.find(old_print), std::string::npos);
  metadata.replace(metadata.find(old_print), old_print.size(),
                   topics::Fingerprint(cut));
  std::ofstream(dir + "/metadata.json", std::ios::binary) << metadata;

  const testing::CommandResult r = RunShell(absl::StrCat(
      ShellQuote(REACHRANK_CLI_BINARY), " topics seal ", ShellQuote(dir)));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("not sealed, as it would not load"));
  EXPECT_THAT(r.output, HasSubstr("geography"));
  EXPECT_EQ(read(dir + "/metadata.json"), metadata);
  std::filesystem::remove_all(scratch);
}

}  // namespace
}  // namespace reachrank::cli
