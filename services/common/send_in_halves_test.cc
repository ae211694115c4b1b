#include "services/common/send_in_halves.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reachrank/v1/topics.pb.h"

namespace reachrank::services {
namespace {

// A request of one item per id, each item's text 100 bytes.
v1::ClassifyRequest Build(absl::Span<const std::string> ids) {
  v1::ClassifyRequest request;
  for (const std::string& id : ids) {
    v1::ClassifyItem* item = request.add_items();
    item->set_id(id);
    item->set_text(std::string(100, 'x'));
  }
  return request;
}

class SendInHalvesTest : public ::testing::Test {
 protected:
  // Records each request's ids and answers them, or fails at `fail_at`.
  absl::StatusOr<std::vector<std::string>> Send(
      const v1::ClassifyRequest& request, size_t n) {
    std::vector<std::string> ids;
    for (const v1::ClassifyItem& item : request.items())
      ids.push_back(item.id());
    EXPECT_EQ(ids.size(), n);
    sent_.push_back(ids);
    if (static_cast<int>(sent_.size()) == fail_at_) {
      return absl::UnavailableError("down");
    }
    return ids;
  }

  absl::StatusOr<std::vector<std::string>> Run(
      const std::vector<std::string>& items, size_t max_bytes) {
    return SendInHalves(
        absl::MakeConstSpan(items), max_bytes, Build,
        [this](const v1::ClassifyRequest& r, size_t n) { return Send(r, n); });
  }

  std::vector<std::vector<std::string>> sent_;
  int fail_at_ = 0;  // 1-based request that fails; 0: none
};

TEST_F(SendInHalvesTest, ARequestThatFitsGoesWhole) {
  auto answers = Run({"a", "b", "c"}, 1 << 20);
  ASSERT_TRUE(answers.ok());
  EXPECT_EQ(*answers, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(sent_.size(), 1u);
}

TEST_F(SendInHalvesTest, AnOversizeRequestIsHalvedUntilEachPartFits) {
  // Two items (about 210 bytes) fit in 250, three do not.
  auto answers = Run({"a", "b", "c", "d", "e", "f", "g", "h"}, 250);
  ASSERT_TRUE(answers.ok());
  EXPECT_EQ(*answers,
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h"}));
  EXPECT_EQ(sent_, (std::vector<std::vector<std::string>>{
                       {"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}}));
}

TEST_F(SendInHalvesTest, OneItemGoesAsItIsWhateverItsSize) {
  auto answers = Run({"a", "b"}, 10);
  ASSERT_TRUE(answers.ok());
  EXPECT_EQ(sent_, (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
}

TEST_F(SendInHalvesTest, TheFirstErrorStopsTheRest) {
  fail_at_ = 2;
  auto answers = Run({"a", "b", "c", "d", "e", "f", "g", "h"}, 250);
  EXPECT_EQ(answers.status(), absl::UnavailableError("down"));
  EXPECT_EQ(sent_.size(), 2u);
}

}  // namespace
}  // namespace reachrank::services
