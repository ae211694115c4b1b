#include "services/ingest/responses.h"

#include <gtest/gtest.h>

namespace reachrank::ingest {
namespace {

TEST(ToItemStatusTest, SplitsFieldAndRule) {
  ItemOutcome bad{3, "p3",
                  absl::InvalidArgumentError(
                      "created_at: must be between 2000-01-01T00:00:00Z and "
                      "now + 1 day")};
  v1::ItemStatus s = ToItemStatus(bad, 7);
  EXPECT_EQ(s.index(), 7u);
  EXPECT_EQ(s.id(), "p3");
  EXPECT_EQ(s.code(), 3);
  EXPECT_EQ(s.field(), "created_at");
  EXPECT_EQ(s.message(),
            "must be between 2000-01-01T00:00:00Z and now + 1 day");
  v1::ItemStatus ok = ToItemStatus({0, "p0", absl::OkStatus()}, 0);
  EXPECT_EQ(ok.code(), 0);
  EXPECT_EQ(ok.field(), "");
}

TEST(FillUpsertResponseTest, OneStatusPerItem) {
  UpsertOutcome outcome;
  outcome.items = {{0, "a", absl::OkStatus()},
                   {1, "b", absl::InvalidArgumentError("platform: bad")}};
  outcome.upserted = 1;
  outcome.rejected = 1;
  v1::UpsertAuthorsResponse response;
  FillUpsertResponse(outcome, &response);
  ASSERT_EQ(response.statuses_size(), 2);
  EXPECT_EQ(response.statuses(1).index(), 1u);
  EXPECT_EQ(response.statuses(1).field(), "platform");
  EXPECT_EQ(response.upserted(), 1u);
  EXPECT_EQ(response.rejected(), 1u);
}

TEST(EventStreamTallyTest, SumsBatchesWithStreamWideIndices) {
  EventStreamTally tally;
  EventsOutcome first;
  first.accepted = 3;
  first.rejected = 1;
  first.rejections = {{2, "e2", absl::FailedPreconditionError("post_id: x")}};
  tally.Add(first, 5);
  EventsOutcome second;
  second.accepted = 1;
  second.duplicates = 2;
  second.rejected = 1;
  second.rejections = {{1, "e6", absl::InvalidArgumentError("type: x")}};
  tally.Add(second, 4);
  const v1::RecordEventsResponse& r = tally.response();
  EXPECT_EQ(r.accepted(), 4u);
  EXPECT_EQ(r.duplicates(), 2u);
  EXPECT_EQ(r.rejected(), 2u);
  EXPECT_EQ(r.batches(), 2u);
  ASSERT_EQ(r.rejections_size(), 2);
  EXPECT_EQ(r.rejections(0).index(), 2u);
  EXPECT_EQ(r.rejections(0).code(), 9);
  EXPECT_EQ(r.rejections(1).index(), 6u);  // 5 events in the first batch
  EXPECT_EQ(r.rejections(1).field(), "type");
}

TEST(EventStreamTallyTest, KeepsTheFirstHundredRejections) {
  EventStreamTally tally;
  EventsOutcome batch;
  for (uint32_t i = 0; i < 80; ++i) {
    batch.rejections.push_back({i, "e", absl::InvalidArgumentError("at: x")});
  }
  batch.rejected = 80;
  tally.Add(batch, 80);
  tally.Add(batch, 80);
  EXPECT_EQ(tally.response().rejected(), 160u);
  ASSERT_EQ(tally.response().rejections_size(), 100);
  EXPECT_EQ(tally.response().rejections(99).index(), 99u);
}

}  // namespace
}  // namespace reachrank::ingest
