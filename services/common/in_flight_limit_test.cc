#include "services/common/in_flight_limit.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "prometheus/text_serializer.h"

namespace reachrank::services {
namespace {

std::string Exposition(prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry.Collect());
  return out.str();
}

TEST(InFlightLimitTest, RefusesBeyondTheCapWithResourceExhausted) {
  InFlightLimit limit(2, "s");
  absl::StatusOr<InFlightLimit::Ticket> a = limit.TryAcquire();
  absl::StatusOr<InFlightLimit::Ticket> b = limit.TryAcquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(limit.in_flight(), 2);

  absl::StatusOr<InFlightLimit::Ticket> c = limit.TryAcquire();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(c.status().message(),
            "too many calls in flight (2); retry with backoff");
  EXPECT_EQ(limit.in_flight(), 2);
}

TEST(InFlightLimitTest, ATicketGivesItsPlaceBackWhenDestroyedOrReleased) {
  InFlightLimit limit(1, "s");
  {
    absl::StatusOr<InFlightLimit::Ticket> held = limit.TryAcquire();
    ASSERT_TRUE(held.ok());
    EXPECT_FALSE(limit.TryAcquire().ok());
  }
  EXPECT_EQ(limit.in_flight(), 0);

  absl::StatusOr<InFlightLimit::Ticket> again = limit.TryAcquire();
  ASSERT_TRUE(again.ok());
  again->Release();
  again->Release();  // idempotent
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_TRUE(limit.TryAcquire().ok());
}

TEST(InFlightLimitTest, AMovedTicketIsReleasedOnce) {
  InFlightLimit limit(1, "s");
  absl::StatusOr<InFlightLimit::Ticket> first = limit.TryAcquire();
  ASSERT_TRUE(first.ok());
  InFlightLimit::Ticket moved = *std::move(first);
  first->Release();  // moved from: holds nothing
  EXPECT_EQ(limit.in_flight(), 1);
  InFlightLimit::Ticket assigned;
  assigned = std::move(moved);
  EXPECT_EQ(limit.in_flight(), 1);
  assigned = InFlightLimit::Ticket();
  EXPECT_EQ(limit.in_flight(), 0);
}

TEST(InFlightLimitTest, ZeroMeansUnlimited) {
  InFlightLimit limit(0, "s");
  std::vector<InFlightLimit::Ticket> tickets;
  for (int i = 0; i < 1000; ++i) {
    absl::StatusOr<InFlightLimit::Ticket> t = limit.TryAcquire();
    ASSERT_TRUE(t.ok()) << i;
    tickets.push_back(*std::move(t));
  }
  EXPECT_EQ(limit.in_flight(), 1000);
}

TEST(InFlightLimitTest, NoLimitGivesAnEmptyTicket) {
  absl::StatusOr<InFlightLimit::Ticket> t = AcquireInFlight(nullptr);
  EXPECT_TRUE(t.ok());
}

TEST(InFlightLimitTest, ConcurrentCallersNeverExceedTheCap) {
  InFlightLimit limit(3, "s");
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&limit] {
      for (int n = 0; n < 2000; ++n) {
        absl::StatusOr<InFlightLimit::Ticket> t = limit.TryAcquire();
        if (t.ok()) ASSERT_LE(limit.in_flight(), 3);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(limit.in_flight(), 0);
}

TEST(InFlightLimitTest, RecordsTheGaugeAndTheRejections) {
  prometheus::Registry registry;
  InFlightLimit ingest(1, "ingest", &registry);
  InFlightLimit rank(1, "rank", &registry);  // same families, own labels
  absl::StatusOr<InFlightLimit::Ticket> held = ingest.TryAcquire();
  ASSERT_TRUE(held.ok());
  EXPECT_FALSE(ingest.TryAcquire().ok());
  EXPECT_FALSE(ingest.TryAcquire().ok());

  const std::string text = Exposition(registry);
  EXPECT_NE(text.find("reachrank_calls_in_flight{service=\"ingest\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reachrank_calls_in_flight{service=\"rank\"} 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reachrank_calls_rejected_total{service=\"ingest\"} 2"),
            std::string::npos)
      << text;
  held->Release();
  EXPECT_NE(Exposition(registry).find(
                "reachrank_calls_in_flight{service=\"ingest\"} 0"),
            std::string::npos);
}

TEST(InFlightLimitTest, OpenStreamsHaveTheirOwnCap) {
  CallLimits limits;
  limits.max_in_flight = 1;
  limits.max_open_streams = 2;
  InFlightLimit limit(limits, "s");
  absl::StatusOr<InFlightLimit::Ticket> a = limit.TryOpenStream();
  absl::StatusOr<InFlightLimit::Ticket> b = limit.TryOpenStream();
  ASSERT_TRUE(a.ok() && b.ok());
  absl::StatusOr<InFlightLimit::Ticket> c = limit.TryOpenStream();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(c.status().message(),
            "too many open streams (2); retry with backoff");
  // Open streams take no place among the calls in flight.
  EXPECT_EQ(limit.open_streams(), 2);
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_TRUE(limit.TryAcquire().ok());
  a->Release();
  EXPECT_EQ(limit.open_streams(), 1);
  EXPECT_TRUE(limit.TryOpenStream().ok());
}

TEST(InFlightLimitTest, AStreamMessageIsCountedEvenBeyondTheCap) {
  InFlightLimit limit(1, "s");
  absl::StatusOr<InFlightLimit::Ticket> call = limit.TryAcquire();
  ASSERT_TRUE(call.ok());
  {
    InFlightLimit::Ticket message = limit.Acquire();
    EXPECT_EQ(limit.in_flight(), 2);
    EXPECT_FALSE(limit.TryAcquire().ok());
  }
  call->Release();
  EXPECT_EQ(limit.in_flight(), 0);
  EXPECT_TRUE(limit.TryAcquire().ok());
}

TEST(InFlightLimitTest, RecordsTheOpenStreamsAndTheirRefusals) {
  prometheus::Registry registry;
  CallLimits limits;
  limits.max_open_streams = 1;
  InFlightLimit limit(limits, "svc", &registry);
  absl::StatusOr<InFlightLimit::Ticket> held = limit.TryOpenStream();
  ASSERT_TRUE(held.ok());
  EXPECT_FALSE(limit.TryOpenStream().ok());
  const std::string text = Exposition(registry);
  EXPECT_NE(text.find("reachrank_streams_open{service=\"svc\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reachrank_streams_rejected_total{service=\"svc\"} 1"),
            std::string::npos)
      << text;
}

TEST(InFlightLimitTest, NoLimitOpensStreamsWithoutAnIdleTimeout) {
  absl::StatusOr<InFlightLimit::Ticket> stream = OpenStream(nullptr);
  EXPECT_TRUE(stream.ok());
  EXPECT_EQ(StreamIdleTimeout(nullptr), absl::ZeroDuration());
  InFlightLimit limit(CallLimits{}, "s");
  EXPECT_EQ(StreamIdleTimeout(&limit), absl::Minutes(5));
}

}  // namespace
}  // namespace reachrank::services
