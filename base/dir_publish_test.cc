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

// An empty directory of this process under the test temp dir, removed
// with everything in it when the test ends.
class FreshDir {
 public:
  explicit FreshDir(const std::string& name)
      : path_(fs::path(::testing::TempDir()) /
              ("dir-publish-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~FreshDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  FreshDir(const FreshDir&) = delete;
  FreshDir& operator=(const FreshDir&) = delete;

  std::string operator/(const std::string& child) const {
    return (path_ / child).string();
  }

 private:
  const fs::path path_;
};

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PublishDirectoryTest, CreatesTheTargetFromTheStagingDirectory) {
  const FreshDir dir("create");
  const std::string target = dir / "model";
  absl::StatusOr<std::string> staging = MakeStagingDirectory(target);
  ASSERT_TRUE(staging.ok()) << staging.status();
  Write(*staging + "/model.bin", "new");
  ASSERT_TRUE(PublishDirectory(*staging, target, {"model.bin"}).ok());
  EXPECT_EQ(Read(target + "/model.bin"), "new");
  EXPECT_FALSE(fs::exists(*staging));
}

TEST(PublishDirectoryTest, ReplacesAnOldDirectoryWhole) {
  const FreshDir dir("replace");
  const std::string target = dir / "model";
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

// "models/" names the directory "models": its staging directory lies
// beside it, not inside, and a second publish replaces it as usual.
TEST(PublishDirectoryTest, ATargetWithATrailingSlashIsTheDirectory) {
  const FreshDir dir("slash");
  const std::string target = dir / "model/";
  for (const char* bytes : {"first", "second"}) {
    absl::StatusOr<std::string> staging = MakeStagingDirectory(target);
    ASSERT_TRUE(staging.ok()) << staging.status();
    EXPECT_EQ(*staging,
              (dir / "model") + ".staging-" + std::to_string(getpid()));
    Write(*staging + "/model.bin", bytes);
    ASSERT_TRUE(PublishDirectory(*staging, target, {"model.bin"}).ok());
    EXPECT_EQ(Read(dir / "model/model.bin"), bytes);
  }
}

TEST(PublishDirectoryTest, RefusesToDropFilesItDoesNotOwn) {
  const FreshDir dir("foreign");
  const std::string target = dir / "model";
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
  const FreshDir dir("stale");
  const std::string target = dir / "model";
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

TEST(ReplaceFileTest, ReplacesWholeKeepingPermissionsAndSweepsStaleTemps) {
  const FreshDir dir("replace");
  const std::string path = dir / "metadata.json";
  Write(path, "old");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  const std::string stale = path + ".tmp-" + std::to_string(child);
  Write(stale, "half");                      // a writer killed mid-write
  const std::string live = path + ".tmp-1";  // init never exits
  Write(live, "theirs");

  ASSERT_TRUE(ReplaceFile(path, "new").ok());
  EXPECT_EQ(Read(path), "new");
  EXPECT_EQ(fs::status(path).permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_FALSE(fs::exists(path + ".tmp-" + std::to_string(getpid())));

  const absl::Status missing = ReplaceFile(dir / "no/such/file", "x");
  EXPECT_EQ(missing.code(), absl::StatusCode::kInternal);
  EXPECT_NE(missing.message().find("no/such/file"), absl::string_view::npos)
      << missing;
}

TEST(WithoutTrailingSlashesTest, DropsOnlyTrailingSeparators) {
  EXPECT_EQ(WithoutTrailingSlashes("models/"), "models");
  EXPECT_EQ(WithoutTrailingSlashes("data/db//"), "data/db");
  EXPECT_EQ(WithoutTrailingSlashes("data/db"), "data/db");
  EXPECT_EQ(WithoutTrailingSlashes("/"), "/");
  EXPECT_EQ(WithoutTrailingSlashes("//"), "/");
}

// A reader that pinned the directory keeps reading its files after another
// directory took its path (as a publish's exchange does); once the old
// directory is removed (the publish's last step) its files are gone, never
// replaced by the new ones.
TEST(PinnedDirectoryTest, ReadsTheDirectoryItOpenedNotTheOneInItsPath) {
  const FreshDir dir("pinned");
  const std::string target = dir / "model";
  fs::create_directories(target);
  Write(target + "/model.bin", "old");
  absl::StatusOr<PinnedDirectory> pinned = PinnedDirectory::Open(target + "/");
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  fs::rename(target, dir / "model.old");
  fs::create_directories(target);
  Write(target + "/model.bin", "new");
  EXPECT_EQ(Read(pinned->path() + "/model.bin"), "old");
  fs::remove_all(dir / "model.old");
  EXPECT_FALSE(fs::exists(pinned->path() + "/model.bin"));
  EXPECT_EQ(Read(target + "/model.bin"), "new");
  EXPECT_EQ(pinned->Named(absl::NotFoundError(pinned->path() + "/x: gone")),
            absl::NotFoundError(target + "/x: gone"));
  EXPECT_EQ(PinnedDirectory::Open(dir / "none").status(),
            absl::NotFoundError(dir / "none" +
                                ": cannot open: No such file or directory"));
}

}  // namespace
}  // namespace reachrank
