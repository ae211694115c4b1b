#include "base/dir_publish.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"

namespace reachrank {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) /
                       ("dir-publish-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PublishDirectoryTest, CreatesTheTargetFromTheStagingDirectory) {
  const std::string target = FreshDir("create") + "/model";
  absl::StatusOr<std::string> staging = MakeStagingDirectory(target);
  ASSERT_TRUE(staging.ok()) << staging.status();
  Write(*staging + "/model.bin", "new");
  ASSERT_TRUE(PublishDirectory(*staging, target, {"model.bin"}).ok());
  EXPECT_EQ(Read(target + "/model.bin"), "new");
  EXPECT_FALSE(fs::exists(*staging));
}

TEST(PublishDirectoryTest, ReplacesAnOldDirectoryWhole) {
  const std::string target = FreshDir("replace") + "/model";
  fs::create_directories(target);
  Write(target + "/model.bin", "old");
  Write(target + "/model.han.bin", "old han");
  absl::StatusOr<std::string> staging = MakeStagingDirectory(target);
  ASSERT_TRUE(staging.ok()) << staging.status();
  Write(*staging + "/model.bin", "new");
  ASSERT_TRUE(
      PublishDirectory(*staging, target, {"model.bin", "model.han.bin"}).ok());
  EXPECT_EQ(Read(target + "/model.bin"), "new");
  EXPECT_FALSE(fs::exists(target + "/model.han.bin"));
  EXPECT_FALSE(fs::exists(*staging));
}

TEST(PublishDirectoryTest, RefusesToDropFilesItDoesNotOwn) {
  const std::string target = FreshDir("foreign") + "/model";
  fs::create_directories(target);
  Write(target + "/notes.txt", "mine");
  absl::StatusOr<std::string> staging = MakeStagingDirectory(target);
  ASSERT_TRUE(staging.ok()) << staging.status();
  Write(*staging + "/model.bin", "new");
  const absl::Status s = PublishDirectory(*staging, target, {"model.bin"});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(Read(target + "/notes.txt"), "mine");
  EXPECT_FALSE(fs::exists(target + "/model.bin"));
}

TEST(MakeStagingDirectoryTest, RemovesStagingOfProcessesThatAreGone) {
  const std::string target = FreshDir("stale") + "/model";
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  const std::string stale = target + ".staging-" + std::to_string(child);
  const std::string live = target + ".staging-1";  // init never exits
  fs::create_directories(stale);
  fs::create_directories(live);
  absl::StatusOr<std::string> staging = MakeStagingDirectory(target);
  ASSERT_TRUE(staging.ok()) << staging.status();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::is_empty(*staging));
}

}  // namespace
}  // namespace reachrank
