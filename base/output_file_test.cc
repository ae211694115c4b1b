#include "base/output_file.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank {
namespace {

using ::testing::HasSubstr;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ / name; }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // The names in the test's directory.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::filesystem::path dir_;
};

TEST_F(OutputFileTest, CommitReplacesTheFileWhole) {
  std::ofstream(Path("rows.csv")) << "old\n";
  auto out = OutputFile::Open("--out", Path("rows.csv"));
  ASSERT_TRUE(out.ok()) << out.status();
  (*out)->stream() << "a,b\n1,2\n";
  EXPECT_EQ(Read(Path("rows.csv")), "old\n");  // not yet
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_EQ(Read(Path("rows.csv")), "a,b\n1,2\n");
  EXPECT_THAT(Names(), ::testing::ElementsAre("rows.csv"));
}

TEST_F(OutputFileTest, AWriterDroppedBeforeCommitLeavesTheOldFile) {
  std::ofstream(Path("rows.csv")) << "old\n";
  {
    auto out = OutputFile::Open("--out", Path("rows.csv"));
    ASSERT_TRUE(out.ok()) << out.status();
    (*out)->stream() << std::string(200000, 'x');
  }
  EXPECT_EQ(Read(Path("rows.csv")), "old\n");
  EXPECT_THAT(Names(), ::testing::ElementsAre("rows.csv"));
}

TEST_F(OutputFileTest, ALinkIsWrittenThrough) {
  std::ofstream(Path("target.csv")) << "old\n";
  std::filesystem::create_symlink(Path("target.csv"), Path("link.csv"));
  auto out = OutputFile::Open("--out", Path("link.csv"));
  ASSERT_TRUE(out.ok()) << out.status();
  (*out)->stream() << "new\n";
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_TRUE(std::filesystem::is_symlink(Path("link.csv")));
  EXPECT_EQ(Read(Path("target.csv")), "new\n");
}

TEST_F(OutputFileTest, ADanglingLinkGetsItsTargetCreated) {
  std::filesystem::create_symlink(Path("new.csv"), Path("link.csv"));
  auto out = OutputFile::Open("--out", Path("link.csv"));
  ASSERT_TRUE(out.ok()) << out.status();
  (*out)->stream() << "new\n";
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_TRUE(std::filesystem::is_symlink(Path("link.csv")));
  EXPECT_EQ(Read(Path("new.csv")), "new\n");
}

// The replacement keeps a private file private.
TEST_F(OutputFileTest, AReplacedFileKeepsItsMode) {
  std::ofstream(Path("private.csv")) << "old\n";
  std::filesystem::permissions(
      Path("private.csv"),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto out = OutputFile::Open("--out", Path("private.csv"));
  ASSERT_TRUE(out.ok()) << out.status();
  (*out)->stream() << "new\n";
  ASSERT_TRUE((*out)->Commit().ok());
  struct stat st;
  ASSERT_EQ(stat(Path("private.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Read(Path("private.csv")), "new\n");
}

// A file with another hard link is written in place, so both names see
// the new content.
TEST_F(OutputFileTest, AHardLinkedFileIsWrittenInPlace) {
  std::ofstream(Path("a.csv")) << "old\n";
  std::filesystem::create_hard_link(Path("a.csv"), Path("b.csv"));
  auto out = OutputFile::Open("--out", Path("a.csv"));
  ASSERT_TRUE(out.ok()) << out.status();
  (*out)->stream() << "new\n";
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_EQ(Read(Path("b.csv")), "new\n");
}

// "/dev/fd/N" names an open descriptor: written through it (here one
// opened for appending, as `>> log` opens standard output), not replaced.
TEST_F(OutputFileTest, ANamedDescriptorIsWrittenThrough) {
  std::ofstream(Path("log.txt")) << "first\n";
  const int fd = open(Path("log.txt").c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  {
    auto out = OutputFile::Open("--out", "/dev/fd/" + std::to_string(fd));
    ASSERT_TRUE(out.ok()) << out.status();
    (*out)->stream() << "second\n";
    ASSERT_TRUE((*out)->Commit().ok());
  }
  EXPECT_NE(fcntl(fd, F_GETFD), -1);  // still open: not the writer's
  close(fd);
  EXPECT_EQ(Read(Path("log.txt")), "first\nsecond\n");
}

TEST_F(OutputFileTest, BadTargetsAreNamedWithTheSystemsReason) {
  auto dir = OutputFile::Open("--out", dir_.string());
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dir.status().message(),
            "--out: " + dir_.string() + ": Is a directory");
  std::ofstream(Path("read-only.csv")) << "old\n";
  std::filesystem::permissions(Path("read-only.csv"),
                               std::filesystem::perms::owner_read);
  if (access(Path("read-only.csv").c_str(), W_OK) != 0) {  // not as root
    auto read_only = OutputFile::Open("--out", Path("read-only.csv"));
    EXPECT_EQ(read_only.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(Read(Path("read-only.csv")), "old\n");
  } else {
    std::cerr << "the read-only case is not checked: this user (root) may "
                 "write any file\n";
  }
  auto missing = OutputFile::Open("--out", Path("none/rows.csv"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("none/rows.csv: No such file or directory"));
}

TEST_F(OutputFileTest, ADeviceIsWrittenInPlace) {
  auto out = OutputFile::Open("--out", "/dev/null");
  ASSERT_TRUE(out.ok()) << out.status();
  (*out)->stream() << "gone\n";
  ASSERT_TRUE((*out)->Commit().ok());
  struct stat st;
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// A write past the file size limit fails with the system's reason and the
// target keeps its old content.
TEST_F(OutputFileTest, AFailedWriteIsReportedAndLeavesTheOldFile) {
  std::ofstream(Path("rows.csv")) << "old\n";
  struct rlimit before;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &before), 0);
  void (*previous)(int) = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = before;
  small.rlim_cur = 100000;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  absl::Status committed;
  {
    auto out = OutputFile::Open("--out", Path("rows.csv"));
    ASSERT_TRUE(out.ok()) << out.status();
    (*out)->stream() << std::string(300000, 'x');
    committed = (*out)->Commit();
  }
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &before), 0);
  std::signal(SIGXFSZ, previous);
  EXPECT_EQ(committed.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(committed.message(),
            "--out: cannot write " + Path("rows.csv") + ": File too large");
  EXPECT_EQ(Read(Path("rows.csv")), "old\n");
  EXPECT_THAT(Names(), ::testing::ElementsAre("rows.csv"));
}

}  // namespace
}  // namespace reachrank
