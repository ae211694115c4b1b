#include "topics/test_support.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "gtest/gtest.h"

namespace reachrank::topics::testing {

std::string DataPath(const std::string& relative) {
  return std::string(REACHRANK_DATA_DIR) + "/" + relative;
}

std::vector<Example> Sib200(const std::string& split) {
  std::vector<Example> all;
  for (const char* language : {"eng_Latn", "deu_Latn", "zho_Hans"}) {
    auto examples =
        ReadExamples(DataPath(std::string("sib200/") + language + "/" + split +
                              ".tsv"));
    EXPECT_TRUE(examples.ok()) << examples.status();
    if (examples.ok()) all.insert(all.end(), examples->begin(), examples->end());
  }
  return all;
}

std::vector<Example> TinySet() {
  std::vector<Example> set;
  for (const char* text : {"the team scored a goal in the football match",
                           "the striker scored twice and the team won",
                           "a great match for the home team tonight"}) {
    set.push_back({text, "sports", "en"});
  }
  for (const char* text : {"die Mannschaft gewann das Fußballspiel",
                           "ein Tor in der letzten Minute des Spiels"}) {
    set.push_back({text, "sports", "de"});
  }
  for (const char* text : {"the parliament voted on the new election law",
                           "the minister resigned after the election",
                           "voters elect a new parliament this year"}) {
    set.push_back({text, "politics", "en"});
  }
  for (const char* text : {"das Parlament stimmt über das Wahlgesetz ab",
                           "der Minister trat nach der Wahl zurück"}) {
    set.push_back({text, "politics", "de"});
  }
  return set;
}

std::vector<Example> WithChinese() {
  std::vector<Example> set = TinySet();
  for (const char* text :
       {"球队在足球比赛中进了一个球", "前锋两次进球，球队赢了"}) {
    set.push_back({text, "sports", "zh"});
  }
  for (const char* text : {"议会就新选举法进行了投票", "部长在选举后辞职"}) {
    set.push_back({text, "politics", "zh"});
  }
  return set;
}

TrainOptions TinyOptions() {
  TrainOptions options = DefaultTrainOptions();
  options.name = "tiny";
  options.fasttext.epoch = 50;
  options.fasttext.dim = 10;
  options.fasttext.bucket = 1000;
  // Mostly-Han texts get the equal-weight mean of one Han model and
  // model.bin, so that the tests cover the mixing path (the training
  // default is the Han model alone; HanSeedsTest covers more).
  options.han_routing = kHanRoutingAverage;
  options.han_seeds = 1;
  options.han_weight = 0.5;
  return options;
}

TrainOptions HanSeedOptions() {
  TrainOptions options = TinyOptions();
  options.han_seeds = 3;
  options.han_weight = 0.25;
  return options;
}

ScratchDir::ScratchDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "topics_test.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace reachrank::topics::testing
