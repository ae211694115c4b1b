#include "base/scratch_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
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

TEST_F(ScratchDirectoryTest, IsPrivateAndRemovedWithItsContents) {
  std::string path;
  {
    auto scratch = ScratchDirectory::Create("unit");
    ASSERT_TRUE(scratch.ok()) << scratch.status();
    path = (*scratch)->path();
    EXPECT_EQ(fs::path(path).parent_path(), root_);
    EXPECT_EQ(fs::path(path).filename().string().rfind("reachrank-unit-", 0),
              0u)
        << path;
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    fs::create_directories(path + "/log");
    std::ofstream(path + "/log/LOG") << "x";
    auto second = ScratchDirectory::Create("unit");
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_NE((*second)->path(), path);
    EXPECT_TRUE(fs::exists(path + "/log/LOG"));  // held: not swept
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(root_));
}

// A process killed before its destructor ran leaves its directory; the
// next one of the purpose removes it, and leaves those someone holds.
TEST_F(ScratchDirectoryTest, RemovesThoseNoOneHolds) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    auto scratch = ScratchDirectory::Create("unit");
    const std::string path = scratch.ok() ? (*scratch)->path() : "";
    (void)!write(pipe_fds[1], path.data(), path.size());
    _exit(0);  // as if killed: no destructor runs
  }
  ASSERT_GT(child, 0);
  close(pipe_fds[1]);
  char buffer[4096];
  const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
  close(pipe_fds[0]);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  ASSERT_GT(n, 0);
  const std::string orphan(buffer, static_cast<size_t>(n));
  ASSERT_TRUE(fs::exists(orphan));

  const std::string held = In("reachrank-unit-held00");
  const std::string other = In("reachrank-other-abc123");
  for (const std::string& dir : {held, other}) {
    fs::create_directories(dir + "/sub");
  }
  // Another process's live directory: someone holds its lock.
  const int lock = ::open(held.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(lock, 0);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);

  auto scratch = ScratchDirectory::Create("unit");
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(fs::exists(held + "/sub"));
  EXPECT_TRUE(fs::exists(other + "/sub"));  // another purpose
  ::close(lock);
}

TEST_F(ScratchDirectoryTest, AnEmptyTmpdirMeansTmp) {
  ASSERT_EQ(setenv("TMPDIR", "", 1), 0);
  auto scratch = ScratchDirectory::Create("unit");
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  EXPECT_TRUE(absl::StartsWith((*scratch)->path(), "/tmp/reachrank-unit-"))
      << (*scratch)->path();
}

TEST_F(ScratchDirectoryTest, AnUnwritableTemporaryDirectoryIsAnError) {
  ASSERT_EQ(setenv("TMPDIR", In("missing/deeper").c_str(), 1), 0);
  auto scratch = ScratchDirectory::Create("unit");
  EXPECT_EQ(scratch.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace reachrank
