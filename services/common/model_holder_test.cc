#include "services/common/model_holder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace reachrank::services {
namespace {

// A "model" is its directory name; "broken" fails to load.
struct FakeModel {
  std::string dir;
};

absl::StatusOr<std::shared_ptr<FakeModel>> LoadFake(const std::string& dir) {
  if (dir == "broken") return absl::FailedPreconditionError("broken model");
  return std::make_shared<FakeModel>(FakeModel{dir});
}

TEST(ModelHolderTest, EmptyUntilFirstReloadThenConfiguredDir) {
  ModelHolder<FakeModel> holder("v1", LoadFake);
  EXPECT_EQ(holder.Current(), nullptr);
  auto swap = holder.Reload();
  ASSERT_TRUE(swap.ok()) << swap.status();
  EXPECT_EQ(swap->previous, nullptr);
  EXPECT_EQ(swap->current->dir, "v1");
  EXPECT_EQ(holder.Current()->dir, "v1");
}

TEST(ModelHolderTest, BrokenModelIsRefusedAndTheOldOneKeepsServing) {
  ModelHolder<FakeModel> holder("v1", LoadFake);
  ASSERT_TRUE(holder.Reload().ok());
  auto swap = holder.Reload("broken");
  EXPECT_EQ(swap.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(swap.status().message(), "broken model");
  EXPECT_EQ(holder.Current()->dir, "v1");
}

TEST(ModelHolderTest, ReaderKeepsItsModelAcrossASwap) {
  ModelHolder<FakeModel> holder("v1", LoadFake);
  ASSERT_TRUE(holder.Reload().ok());
  std::shared_ptr<FakeModel> in_flight = holder.Current();
  std::weak_ptr<FakeModel> old = in_flight;
  auto swap = holder.Reload("v2");
  ASSERT_TRUE(swap.ok());
  EXPECT_EQ(swap->previous->dir, "v1");
  EXPECT_EQ(in_flight->dir, "v1");
  EXPECT_EQ(holder.Current()->dir, "v2");
  swap->previous.reset();
  EXPECT_FALSE(old.expired());  // the reader still holds it
  in_flight.reset();
  EXPECT_TRUE(old.expired());
}

TEST(ModelHolderTest, ListenerSeesEverySwapInOrder) {
  std::vector<std::string> seen;
  ModelHolder<FakeModel> holder(
      "v1", LoadFake, [&](const FakeModel* previous, const FakeModel& current) {
        seen.push_back((previous ? previous->dir : "-") + ">" + current.dir);
      });
  ASSERT_TRUE(holder.Reload().ok());
  ASSERT_FALSE(holder.Reload("broken").ok());
  ASSERT_TRUE(holder.Reload("v2").ok());
  EXPECT_THAT(seen, ::testing::ElementsAre("->v1", "v1>v2"));
}

TEST(ModelHolderTest, ReadersNeverSeeNullDuringConcurrentReloads) {
  ModelHolder<FakeModel> holder("a", LoadFake);
  ASSERT_TRUE(holder.Reload().ok());
  std::atomic<bool> stop{false};
  std::atomic<int> nulls{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        if (holder.Current() == nullptr) nulls.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(holder.Reload(i % 2 == 0 ? "b" : "a").ok());
  }
  stop.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(nulls.load(), 0);
  EXPECT_EQ(holder.Current()->dir, "a");
}

}  // namespace
}  // namespace reachrank::services
