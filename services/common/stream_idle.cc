#include "services/common/stream_idle.h"

#include <grpcpp/alarm.h>

#include <cstdint>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace reachrank::services {

// Shared with the timer's callbacks, which hold it weakly: a callback that
// runs after the stream is gone finds nothing. An alarm is never
// destroyed (cancelled) with `mu` held, so a cancelled callback that ran
// on the cancelling thread could not deadlock.
struct StreamIdleDeadline::State {
  // True when the timer of read `of_read` may end the stream: it is still
  // the armed read and nothing has ended the stream.
  bool ClaimForTimer(uint64_t of_read) {
    absl::MutexLock lock(&mu);
    if (ended || !armed || generation != of_read) return false;
    ended = true;
    armed = false;
    return true;
  }

  absl::Mutex mu;
  uint64_t generation ABSL_GUARDED_BY(mu) = 0;  // of the armed read
  bool armed ABSL_GUARDED_BY(mu) = false;
  bool ended ABSL_GUARDED_BY(mu) = false;
  std::unique_ptr<grpc::Alarm> alarm ABSL_GUARDED_BY(mu);
};

StreamIdleDeadline::StreamIdleDeadline(absl::Duration timeout)
    : timeout_(timeout), state_(std::make_shared<State>()) {}

StreamIdleDeadline::~StreamIdleDeadline() {
  std::unique_ptr<grpc::Alarm> alarm;  // cancelled after the lock
  absl::MutexLock lock(&state_->mu);
  state_->armed = false;
  alarm = std::move(state_->alarm);
}

void StreamIdleDeadline::Arm(std::function<void()> on_idle,
                             absl::FunctionRef<void()> start) {
  if (timeout_ <= absl::ZeroDuration()) {
    start();
    return;
  }
  std::unique_ptr<grpc::Alarm> previous;  // cancelled after the lock
  auto alarm = std::make_unique<grpc::Alarm>();
  grpc::Alarm* raw = alarm.get();
  // A copy: once the operation starts, *this may be destroyed by the
  // reactor's deletion on another thread as soon as the lock is released.
  const std::shared_ptr<State> state = state_;
  absl::MutexLock lock(&state->mu);
  if (state->ended) return;
  const uint64_t generation = ++state->generation;
  state->armed = true;
  previous = std::exchange(state->alarm, std::move(alarm));
  std::weak_ptr<State> weak = state;
  raw->Set(absl::ToChronoTime(absl::Now() + timeout_),
           [weak, generation, on_idle = std::move(on_idle)](bool fired) {
             if (!fired) return;  // cancelled
             std::shared_ptr<State> held = weak.lock();
             if (held != nullptr && held->ClaimForTimer(generation)) on_idle();
           });
  start();
}

bool StreamIdleDeadline::Disarm() {
  std::unique_ptr<grpc::Alarm> alarm;  // cancelled after the lock
  absl::MutexLock lock(&state_->mu);
  state_->armed = false;
  ++state_->generation;
  alarm = std::move(state_->alarm);
  return !state_->ended;
}

bool StreamIdleDeadline::Claim() {
  absl::MutexLock lock(&state_->mu);
  if (state_->ended) return false;
  state_->ended = true;
  return true;
}

absl::Status IdleError(absl::Duration timeout, absl::string_view waited,
                       absl::string_view done) {
  return absl::CancelledError(absl::StrCat(waited, " for ",
                                           absl::FormatDuration(timeout),
                                           " (--stream-idle-timeout); ", done));
}

}  // namespace reachrank::services
