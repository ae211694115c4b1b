#include "services/common/stream_idle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace reachrank::services {
namespace {

TEST(StreamIdleDeadlineTest, AReadWaitingPastTheTimeoutEndsTheStreamOnce) {
  StreamIdleDeadline idle(absl::Milliseconds(20));
  absl::Notification fired;
  std::atomic<int> calls{0};
  int started = 0;
  idle.Arm(
      [&] {
        ++calls;
        fired.Notify();
      },
      [&] { ++started; });
  EXPECT_EQ(started, 1);
  ASSERT_TRUE(fired.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_FALSE(idle.Disarm());  // the read completing later does nothing
  EXPECT_FALSE(idle.Claim());   // nor may the reactor finish again
  idle.Arm([&] { ++calls; }, [&] { ++started; });  // nor armed again
  EXPECT_EQ(started, 1);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(calls.load(), 1);
}

TEST(StreamIdleDeadlineTest, ADisarmedClockNeverFires) {
  StreamIdleDeadline idle(absl::Milliseconds(500));
  std::atomic<int> calls{0};
  idle.Arm([&] { ++calls; }, [] {});
  EXPECT_TRUE(idle.Disarm());
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_EQ(calls.load(), 0);
  EXPECT_TRUE(idle.Claim());  // the reactor finishes, once
  EXPECT_FALSE(idle.Claim());
}

TEST(StreamIdleDeadlineTest, ZeroTimeoutWaitsForEver) {
  StreamIdleDeadline idle(absl::ZeroDuration());
  std::atomic<int> calls{0};
  int started = 0;
  idle.Arm([&] { ++calls; }, [&] { ++started; });
  EXPECT_EQ(started, 1);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_TRUE(idle.Disarm());
  EXPECT_EQ(calls.load(), 0);
}

TEST(StreamIdleDeadlineTest, ATimerOutlivingItsStreamTouchesNothing) {
  std::atomic<int> calls{0};
  {
    auto idle = std::make_unique<StreamIdleDeadline>(absl::Milliseconds(20));
    idle->Arm([&] { ++calls; }, [] {});
  }  // destroyed with the clock running, as when a stream is torn down
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(calls.load(), 0);
}

TEST(StreamIdleDeadlineTest, IdleErrorNamesTheFlagAndWhatWasDone) {
  absl::Status status = IdleError(absl::Minutes(5), "no batch",
                                  "the 3 batches before were committed");
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(status.message(),
            "no batch for 5m (--stream-idle-timeout); the 3 batches before "
            "were committed");
}

TEST(StreamDrainTest, EndsAReadWaitingWhenItBeginsWithOnStop) {
  StreamDrain drain;
  StreamIdleDeadline idle(absl::Minutes(5), &drain);
  absl::Notification stopped;
  std::atomic<int> idled{0};
  int started = 0;
  idle.ArmRead([&] { ++idled; }, [&] { stopped.Notify(); }, [&] { ++started; });
  EXPECT_EQ(started, 1);
  EXPECT_FALSE(drain.draining());
  drain.Drain(absl::ZeroDuration());
  EXPECT_TRUE(drain.draining());
  ASSERT_TRUE(stopped.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_FALSE(idle.Disarm());  // the read completing later does nothing
  EXPECT_FALSE(idle.Claim());
  EXPECT_EQ(idled.load(), 0);
}

TEST(StreamDrainTest, AReadArmedLaterWaitsOnlyTheDrainsIdleTimeout) {
  StreamDrain drain;
  drain.Drain(absl::Milliseconds(20));
  StreamIdleDeadline idle(absl::ZeroDuration(), &drain);  // else for ever
  absl::Notification stopped;
  idle.ArmRead([] {}, [&] { stopped.Notify(); }, [] {});
  ASSERT_TRUE(stopped.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_FALSE(idle.Claim());
}

TEST(StreamDrainTest, AMessageThatComesInTimeKeepsTheStream) {
  StreamDrain drain;
  StreamIdleDeadline idle(absl::ZeroDuration(), &drain);
  std::atomic<int> stops{0};
  idle.ArmRead([] {}, [&] { ++stops; }, [] {});
  drain.Drain(absl::Seconds(1));
  EXPECT_TRUE(idle.Disarm());  // the message came
  absl::SleepFor(absl::Milliseconds(1300));
  EXPECT_EQ(stops.load(), 0);
  EXPECT_TRUE(idle.Claim());  // the reactor finishes, once
}

TEST(StreamDrainTest, TheStreamsOwnShorterTimeoutStillEndsIt) {
  StreamDrain drain;
  StreamIdleDeadline idle(absl::Milliseconds(20), &drain);
  absl::Notification idled;
  std::atomic<int> stops{0};
  idle.ArmRead([&] { idled.Notify(); }, [&] { ++stops; }, [] {});
  drain.Drain(absl::Hours(1));
  ASSERT_TRUE(idled.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(stops.load(), 0);
}

TEST(StreamDrainTest, AWriteWaitingForItsClientIsNotEnded) {
  StreamDrain drain;
  StreamIdleDeadline idle(absl::ZeroDuration(), &drain);
  std::atomic<int> calls{0};
  idle.Arm([&] { ++calls; }, [] {});
  drain.Drain(absl::ZeroDuration());
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(calls.load(), 0);
  EXPECT_TRUE(idle.Disarm());  // the answer was read
}

TEST(StreamDrainTest, StoppingErrorIsUnavailableAndSaysWhatWasDone) {
  absl::Status status = StoppingError("the 3 batches before were committed");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "server stopping: the 3 batches before were committed; send the "
            "rest on a new stream");
}

}  // namespace
}  // namespace reachrank::services
