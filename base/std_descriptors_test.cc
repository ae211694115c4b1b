// ReserveStandardDescriptors: a closed descriptor 0 is taken by /dev/null,
// not by the next file opened, and is remembered.
#include "base/std_descriptors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace reachrank {
namespace {

TEST(StdDescriptorsTest, AClosedStandardInputIsReservedAndRemembered) {
  const int saved = dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(close(STDIN_FILENO), 0);
  ReserveStandardDescriptors();
  struct stat in {
  }, null{};
  const bool in_ok = fstat(STDIN_FILENO, &in) == 0;
  ASSERT_EQ(stat("/dev/null", &null), 0);
  // The next file opened gets a number above the standard three.
  const int next = open("/dev/null", O_RDONLY);
  ASSERT_EQ(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
  EXPECT_TRUE(in_ok);
  EXPECT_EQ(in.st_rdev, null.st_rdev);
  EXPECT_GT(next, STDERR_FILENO);
  if (next >= 0) close(next);
  EXPECT_TRUE(StandardInputWasClosed());
}

// A closed 0 that a static initializer took before main() (gRPC's eventfd
// does) is close-on-exec: it counts as closed and is left open.
TEST(StdDescriptorsTest, ADescriptorOpenedBeforeMainIsNotStandardInput) {
  const int saved = dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(close(STDIN_FILENO), 0);
  const int taken = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ReserveStandardDescriptors();
  const bool was_closed = StandardInputWasClosed();
  const int flags = fcntl(STDIN_FILENO, F_GETFD);
  ASSERT_EQ(dup2(saved, STDIN_FILENO), STDIN_FILENO);
  close(saved);
  EXPECT_EQ(taken, STDIN_FILENO);
  EXPECT_TRUE(was_closed);
  EXPECT_EQ(flags, FD_CLOEXEC);  // still the initializer's

  ReserveStandardDescriptors();  // an inherited, open standard input
  EXPECT_FALSE(StandardInputWasClosed());
}

}  // namespace
}  // namespace reachrank
