#include "base/scratch_dir.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace reachrank {
namespace {

namespace fs = std::filesystem;

// Points TMPDIR at a fresh directory for the test (each test runs in its
// own process under ctest) and removes it afterwards.
class ScratchDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("scratch-dir-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    ASSERT_EQ(setenv("TMPDIR", root_.c_str(), 1), 0);
  }
  void TearDown() override {
    unsetenv("TMPDIR");
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  std::string In(const std::string& name) const {
    return (root_ / name).string();
  }

  fs::path root_;
};

pid_t GonePid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  EXPECT_GT(child, 0);
  EXPECT_EQ(waitpid(child, nullptr, 0), child);
  return child;
}

TEST_F(ScratchDirectoryTest, IsRemovedWithItsContents) {
  std::string path;
  {
    const ScratchDirectory scratch("unit");
    path = scratch.path();
    EXPECT_EQ(fs::path(path).parent_path(), root_);
    EXPECT_EQ(fs::path(path).filename().string().rfind(
                  "reachrank-unit-" + std::to_string(getpid()) + "-", 0),
              0u)
        << path;
    EXPECT_FALSE(fs::exists(path));  // created by its user
    fs::create_directories(path + "/log");
    std::ofstream(path + "/log/LOG") << "x";
    const ScratchDirectory second("unit");
    EXPECT_NE(second.path(), path);
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(ScratchDirectoryTest, RemovesThoseOfProcessesThatAreGone) {
  const std::string gone = std::to_string(GonePid());
  const std::string stale = In("reachrank-unit-" + gone + "-0");
  const std::string live = In("reachrank-unit-1-0");  // init never exits
  const std::string other = In("reachrank-other-" + gone + "-0");
  const std::string longer = In("reachrank-unit-export-" + gone + "-0");
  const std::string unnumbered = In("reachrank-unit-" + gone);
  for (const std::string& dir : {stale, live, other, longer, unnumbered}) {
    fs::create_directories(dir + "/sub");
  }
  const ScratchDirectory scratch("unit");
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));       // another purpose
  EXPECT_TRUE(fs::exists(longer));      // "unit-export" is another purpose
  EXPECT_TRUE(fs::exists(unnumbered));  // not a name it gives
}

}  // namespace
}  // namespace reachrank
