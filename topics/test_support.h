// Helpers shared by the topics tests: paths into the source tree's data/,
// a tiny training set with its options, and scratch directories.
#ifndef REACHRANK_TOPICS_TEST_SUPPORT_H_
#define REACHRANK_TOPICS_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "topics/dataset.h"
#include "topics/trainer.h"

namespace reachrank::topics::testing {

// `relative` under the repository's data/ directory.
std::string DataPath(const std::string& relative);

// SIB-200 split ("train", "dev", "test") of en, de and zh together.
std::vector<Example> Sib200(const std::string& split);

// Ten English and German examples of "sports" and "politics".
std::vector<Example> TinySet();
// TinySet plus Chinese examples, so that training writes model.han.bin.
std::vector<Example> WithChinese();
// Training options that fit TinySet in well under a second: small
// vectors, and mostly-Han texts scored by the equal-weight mean of one
// Han model and model.bin (the mixing path; the training default is the
// Han model alone).
TrainOptions TinyOptions();
// TinyOptions with three Han seeds weighed 0.25 against model.bin.
TrainOptions HanSeedOptions();

// A fresh, empty directory that is removed with this object. Not
// thread-safe.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace reachrank::topics::testing

#endif  // REACHRANK_TOPICS_TEST_SUPPORT_H_
