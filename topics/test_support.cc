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
