// Helpers shared by the topics tests: paths into the source tree's data/
// and scratch directories.
#ifndef REACHRANK_TOPICS_TEST_SUPPORT_H_
#define REACHRANK_TOPICS_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "topics/dataset.h"

namespace reachrank::topics::testing {

// `relative` under the repository's data/ directory.
std::string DataPath(const std::string& relative);

// SIB-200 split ("train", "dev", "test") of en, de and zh together.
std::vector<Example> Sib200(const std::string& split);

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
