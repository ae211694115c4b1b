// MakeTempDir's directories are removed with everything in them (at exit,
// or by RemoveTempDirs), so test runs do not fill the temp directory.
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "services/common/test_support.h"

namespace reachrank::testing {
namespace {

TEST(MakeTempDirTest, RemoveTempDirsRemovesEveryDirectoryMadeSoFar) {
  auto a = MakeTempDir("test_support_test_a");
  auto b = MakeTempDir("test_support_test_b");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE(*a, *b);
  std::filesystem::create_directories(*a + "/db");
  std::ofstream(*a + "/db/file") << "data";
  ASSERT_TRUE(std::filesystem::exists(*a + "/db/file"));
  RemoveTempDirs();
  EXPECT_FALSE(std::filesystem::exists(*a));
  EXPECT_FALSE(std::filesystem::exists(*b));
  // Directories made afterwards are tracked again.
  auto c = MakeTempDir("test_support_test_c");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(std::filesystem::is_directory(*c));
  RemoveTempDirs();
  EXPECT_FALSE(std::filesystem::exists(*c));
}

}  // namespace
}  // namespace reachrank::testing
