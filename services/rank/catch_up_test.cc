#include "services/rank/catch_up.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <sstream>

#include "absl/synchronization/notification.h"
#include "prometheus/text_serializer.h"

namespace reachrank::rank {
namespace {

// A clock the test moves by hand. Thread-safe.
class FakeClock {
 public:
  absl::Time Now() const {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST(CatchUpLoop, LagIsTheTimeSinceTheLastSuccess) {
  FakeClock clock;
  std::deque<absl::Status> answers = {
      absl::OkStatus(), absl::UnavailableError("gone"), absl::OkStatus()};
  CatchUpLoop loop(
      [&] {
        absl::Status s = answers.front();
        answers.pop_front();
        return s;
      },
      absl::Milliseconds(200), [&] { return clock.Now(); });
  clock.Advance(absl::Seconds(3));
  EXPECT_EQ(loop.Lag(), absl::Seconds(3));  // none yet: since creation

  EXPECT_TRUE(loop.RunOnce().ok());
  EXPECT_EQ(loop.Lag(), absl::ZeroDuration());
  clock.Advance(absl::Seconds(2));
  EXPECT_EQ(loop.RunOnce().code(), absl::StatusCode::kUnavailable);
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.Lag(), absl::Seconds(3));  // the failure did not reset it
  EXPECT_EQ(loop.failures(), 1u);

  EXPECT_TRUE(loop.RunOnce().ok());
  EXPECT_EQ(loop.Lag(), absl::ZeroDuration());
  EXPECT_EQ(loop.failures(), 1u);
}

TEST(CatchUpLoop, CollectorExposesLagAndFailures) {
  FakeClock clock;
  CatchUpLoop loop([] { return absl::InternalError("broken"); },
                   absl::Milliseconds(200), [&] { return clock.Now(); });
  EXPECT_FALSE(loop.RunOnce().ok());
  clock.Advance(absl::Milliseconds(1500));
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out,
                                         NewCatchUpCollector(loop)->Collect());
  EXPECT_THAT(out.str(),
              ::testing::HasSubstr("reachrank_rank_catch_up_lag_seconds 1.5"));
  EXPECT_THAT(out.str(),
              ::testing::HasSubstr("reachrank_rank_catch_up_failures_total 1"));
}

TEST(CatchUpLoop, ThreadCatchesUpRepeatedlyUntilStopped) {
  absl::Mutex mu;
  int calls = 0;
  absl::Notification third_call;
  CatchUpLoop loop(
      [&] {
        absl::MutexLock lock(&mu);
        if (++calls == 3) third_call.Notify();
        return absl::OkStatus();
      },
      absl::Milliseconds(1));
  loop.Start();
  loop.Start();  // a second Start is a no-op
  ASSERT_TRUE(third_call.WaitForNotificationWithTimeout(absl::Seconds(60)));
  loop.Stop();
  int after_stop;
  {
    absl::MutexLock lock(&mu);
    after_stop = calls;
  }
  loop.Stop();  // idempotent
  absl::MutexLock lock(&mu);
  EXPECT_EQ(calls, after_stop);  // nothing runs once Stop returned
  EXPECT_GE(calls, 3);
}

}  // namespace
}  // namespace reachrank::rank
