#include "services/batch/ordered_writer.h"

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace reachrank::batch {
namespace {

TEST(OrderedWriterTest, ShuffledCompletionComesOutInOrder) {
  constexpr int kChunks = 400;
  std::string out;
  OrderedWriter writer(
      [&out](const Chunk& c) {
        out += c.text;
        return absl::OkStatus();
      },
      /*window=*/8);
  std::vector<int64_t> order(kChunks);
  for (int i = 0; i < kChunks; ++i) order[i] = i;
  // Shuffle within blocks of the window so that every Put can proceed.
  std::mt19937 rng(7);
  for (int start = 0; start < kChunks; start += 8) {
    std::shuffle(order.begin() + start, order.begin() + start + 8, rng);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kChunks; i += 4) {
        EXPECT_TRUE(
            writer.Put(order[i], {absl::StrCat(order[i], ";"), 1, 0}).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::string expected;
  for (int i = 0; i < kChunks; ++i) absl::StrAppend(&expected, i, ";");
  EXPECT_EQ(out, expected);
  EXPECT_EQ(writer.next(), kChunks);
}

TEST(OrderedWriterTest, SinkErrorIsStickyAndCancelWakesWaiters) {
  int calls = 0;
  OrderedWriter writer(
      [&calls](const Chunk&) {
        ++calls;
        return absl::DataLossError("disk full");
      },
      /*window=*/1);
  EXPECT_EQ(writer.Put(0, {}).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(writer.Put(1, {}).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(calls, 1);

  OrderedWriter blocked([](const Chunk&) { return absl::OkStatus(); }, 1);
  std::thread waiter([&blocked] {
    // Chunk 5 is outside the window until chunks 0..4 arrive: it waits.
    EXPECT_EQ(blocked.Put(5, {}).code(), absl::StatusCode::kCancelled);
  });
  blocked.Cancel();
  waiter.join();
  EXPECT_EQ(blocked.next(), 0);
}

// A run that fails at chunk 2 still writes the chunks before it, even when
// they arrive after the failure: only chunks 2 and later are refused.
TEST(OrderedWriterTest, CancelFromAChunkKeepsTheOnesBeforeIt) {
  std::string out;
  OrderedWriter writer(
      [&out](const Chunk& c) {
        out += c.text;
        return absl::OkStatus();
      },
      /*window=*/8);
  EXPECT_TRUE(writer.Put(1, {"1;", 1, 0}).ok());  // waits for chunk 0
  writer.Cancel(2);
  EXPECT_EQ(writer.Put(3, {"3;", 1, 0}).code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(writer.Put(0, {"0;", 1, 0}).ok());
  EXPECT_EQ(writer.Put(2, {"2;", 1, 0}).code(), absl::StatusCode::kCancelled);
  writer.Cancel(5);  // a later stop does not widen the first
  EXPECT_EQ(out, "0;1;");
  EXPECT_EQ(writer.next(), 2);
}

}  // namespace
}  // namespace reachrank::batch
