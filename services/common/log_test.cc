// LogLine: the program's name on every line, and lines of several threads
// written whole.
#include "services/common/log.h"

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace reachrank::services {
namespace {

TEST(LogTest, EveryLineIsWholeAndNamesTheProgram) {
  SetLogProgram("reachrank-test");
  constexpr int kThreads = 4, kLines = 200;
  ::testing::internal::CaptureStderr();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        LogLine(absl::StrCat("thread ", t, " line ", i, " ",
                             std::string(100, 'x')));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string out = ::testing::internal::GetCapturedStderr();
  const std::vector<std::string> lines =
      absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> next(kThreads, 0);
  for (const std::string& line : lines) {
    int t = -1, i = -1;
    ASSERT_EQ(
        std::sscanf(line.c_str(), "reachrank-test: thread %d line %d", &t, &i),
        2)
        << line;
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    EXPECT_EQ(i, next[t]++) << line;  // each thread's lines in its order
    EXPECT_EQ(line, absl::StrCat("reachrank-test: thread ", t, " line ", i, " ",
                                 std::string(100, 'x')));
  }
}

}  // namespace
}  // namespace reachrank::services
