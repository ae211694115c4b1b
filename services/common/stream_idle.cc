#include "services/common/stream_idle.h"

#include <grpcpp/alarm.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace reachrank::services {

// Shared with the timer's callbacks and the drain, which hold it weakly:
// a callback that runs after the stream is gone finds nothing. An alarm
// is never destroyed (cancelled) with `mu` held, so a cancelled callback
// that ran on the cancelling thread could not deadlock. An alarm is set
// with `mu` held, even for a time already past (--drain-idle-timeout 0):
// gRPC runs its callback on its own executor, never inside Alarm::Set.
struct StreamIdleDeadline::State
    : public std::enable_shared_from_this<StreamIdleDeadline::State> {
  // True when the timer of wait `of_wait` may end the stream: it is still
  // the armed wait and nothing has ended the stream.
  bool ClaimForTimer(uint64_t of_wait) {
    absl::MutexLock lock(&mu);
    if (ended || !armed || generation != of_wait) return false;
    ended = true;
    armed = false;
    return true;
  }

  // Runs `on_end` at `when` unless the armed wait completes first; returns
  // the alarm it replaces, to be destroyed after `mu` is released.
  std::unique_ptr<grpc::Alarm> SetTimer(absl::Time when,
                                        std::function<void()> on_end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto timer = std::make_unique<grpc::Alarm>();
    std::weak_ptr<State> weak = weak_from_this();
    deadline = when;
    timer->Set(
        absl::ToChronoTime(when),
        [weak, of_wait = generation, on_end = std::move(on_end)](bool fired) {
          if (!fired) return;  // cancelled
          std::shared_ptr<State> held = weak.lock();
          if (held != nullptr && held->ClaimForTimer(of_wait)) on_end();
        });
    return std::exchange(alarm, std::move(timer));
  }

  absl::Mutex mu;
  uint64_t generation ABSL_GUARDED_BY(mu) = 0;  // of the armed wait
  bool armed ABSL_GUARDED_BY(mu) = false;
  bool ended ABSL_GUARDED_BY(mu) = false;
  // How a drain ends the armed wait: empty unless it is a read.
  std::function<void()> on_stop ABSL_GUARDED_BY(mu);
  std::unique_ptr<grpc::Alarm> alarm ABSL_GUARDED_BY(mu);
  absl::Time deadline ABSL_GUARDED_BY(mu);  // of `alarm`, when set
};

StreamIdleDeadline::StreamIdleDeadline(absl::Duration timeout,
                                       StreamDrain* drain)
    : timeout_(timeout), drain_(drain), state_(std::make_shared<State>()) {
  if (drain_ != nullptr) drain_->Add(state_);
}

StreamIdleDeadline::~StreamIdleDeadline() {
  if (drain_ != nullptr) drain_->Remove(state_.get());
  std::unique_ptr<grpc::Alarm> alarm;  // cancelled after the lock
  absl::MutexLock lock(&state_->mu);
  state_->armed = false;
  state_->on_stop = nullptr;
  alarm = std::move(state_->alarm);
}

void StreamIdleDeadline::Arm(std::function<void()> on_idle,
                             absl::FunctionRef<void()> start) {
  ArmWait(std::move(on_idle), nullptr, start);
}

void StreamIdleDeadline::ArmRead(std::function<void()> on_idle,
                                 std::function<void()> on_stop,
                                 absl::FunctionRef<void()> start) {
  ArmWait(std::move(on_idle), std::move(on_stop), start);
}

void StreamIdleDeadline::ArmWait(std::function<void()> on_idle,
                                 std::function<void()> on_stop,
                                 absl::FunctionRef<void()> start) {
  std::unique_ptr<grpc::Alarm> previous;  // cancelled after the lock
  // A copy: once the operation starts, *this may be destroyed by the
  // reactor's deletion on another thread as soon as the lock is released.
  const std::shared_ptr<State> state = state_;
  absl::MutexLock lock(&state->mu);
  if (state->ended) return;
  ++state->generation;
  state->armed = true;
  // Read under the lock: a drain that begins after this sees the wait.
  absl::Duration stop_after;
  const bool stopping =
      on_stop != nullptr && drain_ != nullptr &&
      drain_->IdleTimeout(&stop_after) &&
      (timeout_ <= absl::ZeroDuration() || stop_after < timeout_);
  if (stopping) {
    previous = state->SetTimer(absl::Now() + stop_after, on_stop);
  } else if (timeout_ > absl::ZeroDuration()) {
    previous = state->SetTimer(absl::Now() + timeout_, std::move(on_idle));
  } else {
    previous = std::move(state->alarm);
    state->deadline = absl::InfiniteFuture();
  }
  state->on_stop = std::move(on_stop);
  start();
}

bool StreamIdleDeadline::Disarm() {
  std::unique_ptr<grpc::Alarm> alarm;  // cancelled after the lock
  absl::MutexLock lock(&state_->mu);
  state_->armed = false;
  state_->on_stop = nullptr;
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

void StreamDrain::Drain(absl::Duration idle) {
  std::vector<std::weak_ptr<State>> streams;
  {
    absl::MutexLock lock(&mu_);
    if (draining_) return;
    draining_ = true;
    idle_ = idle;
    streams.reserve(streams_.size());
    for (const auto& [key, stream] : streams_) streams.push_back(stream);
  }
  const absl::Time until = absl::Now() + idle;
  for (const std::weak_ptr<State>& weak : streams) {
    std::shared_ptr<State> state = weak.lock();
    if (state == nullptr) continue;
    std::unique_ptr<grpc::Alarm> previous;  // cancelled after the lock
    absl::MutexLock lock(&state->mu);
    // A wait armed after the drain began has its timer already; one of
    // the stream's own timeout may end sooner.
    if (state->ended || !state->armed || state->on_stop == nullptr ||
        (state->alarm != nullptr && state->deadline <= until)) {
      continue;
    }
    previous = state->SetTimer(until, state->on_stop);
  }
}

bool StreamDrain::draining() const {
  absl::MutexLock lock(&mu_);
  return draining_;
}

void StreamDrain::Add(const std::shared_ptr<State>& state) {
  absl::MutexLock lock(&mu_);
  streams_.emplace(state.get(), state);
}

void StreamDrain::Remove(const State* state) {
  absl::MutexLock lock(&mu_);
  streams_.erase(state);
}

bool StreamDrain::IdleTimeout(absl::Duration* idle) const {
  absl::MutexLock lock(&mu_);
  if (draining_) *idle = idle_;
  return draining_;
}

absl::Status IdleError(absl::Duration timeout, absl::string_view waited,
                       absl::string_view done) {
  return absl::CancelledError(absl::StrCat(waited, " for ",
                                           absl::FormatDuration(timeout),
                                           " (--stream-idle-timeout); ", done));
}

absl::Status StoppingError(absl::string_view done) {
  return absl::UnavailableError(absl::StrCat(
      "server stopping: ", done, "; send the rest on a new stream"));
}

}  // namespace reachrank::services
