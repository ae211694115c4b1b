// OpenInput: a file, standard input, and standard input closed.
#include "services/batch/input_file.h"

#include <unistd.h>

#include <fstream>
#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;

TEST(OpenInputTest, OpensAFileAndNamesOneThatCannotBeRead) {
  const std::string path = ::testing::TempDir() + "/input_file_test.jsonl";
  std::ofstream(path) << "line one\n";
  std::ifstream file;
  absl::StatusOr<std::istream*> input = OpenInput(path, file);
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(*input, &file);
  std::string line;
  ASSERT_TRUE(std::getline(**input, line));
  EXPECT_EQ(line, "line one");

  std::ifstream missing;
  absl::StatusOr<std::istream*> none = OpenInput(path + ".missing", missing);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(none.status().message(),
              HasSubstr("cannot read " + path + ".missing"));
}

// "-" is std::cin while descriptor 0 is open, FAILED_PRECONDITION once it
// is closed (`reachrank import - <&-` read nothing and reported success).
TEST(OpenInputTest, StandardInputMustBeOpen) {
  std::ifstream unused;
  absl::StatusOr<std::istream*> open = OpenInput("-", unused);
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_EQ(*open, &std::cin);

  const int saved = dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(close(STDIN_FILENO), 0);
  absl::StatusOr<std::istream*> closed = OpenInput("-", unused);
  ASSERT_EQ(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(closed.status().message(), HasSubstr("standard input is closed"));
}

}  // namespace
}  // namespace reachrank::batch
