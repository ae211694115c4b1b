// stream_idle: the end of a streaming call that waits too long for its
// client's next message (--stream-idle-timeout), the guard that lets
// exactly one of the reactor and the timer finish the call, and the
// shorter wait of streams once their server stops (StreamDrain,
// --drain-idle-timeout).
#ifndef REACHRANK_SERVICES_COMMON_STREAM_IDLE_H_
#define REACHRANK_SERVICES_COMMON_STREAM_IDLE_H_

#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace reachrank::services {

class StreamDrain;

// Used by a reactor as follows: each StartRead of the client's next
// message is made through ArmRead() (each StartWrite through Arm(): a
// client that stops reading blocks the write), Disarm() first thing in
// OnReadDone (OnWriteDone), returning at once when it says the stream has
// ended, and Claim() before the reactor's own Finish. When an armed
// operation waits past the timeout, the timer claims the end and runs
// `on_idle` on a gRPC thread; when a read waits past its drain's idle
// timeout once the drain has begun, `on_stop` instead. Either must Finish
// the call, and the reactor is still alive then (nothing else has
// finished it). Thread-safe. A zero timeout never fires (a drain's still
// ends a read).
class StreamIdleDeadline {
 public:
  // `drain` (nullptr: none) must outlive *this.
  explicit StreamIdleDeadline(absl::Duration timeout,
                              StreamDrain* drain = nullptr);
  // Cancels a pending timer; its callback then touches nothing of *this.
  ~StreamIdleDeadline();
  StreamIdleDeadline(const StreamIdleDeadline&) = delete;
  StreamIdleDeadline& operator=(const StreamIdleDeadline&) = delete;

  // Starts the clock and, under the same lock, the write by calling
  // `start`, which must not wait for the operation: the timer cannot end
  // the stream (and gRPC delete the reactor) before the operation is
  // pending. After it the reactor may be gone; nothing of it is touched.
  void Arm(std::function<void()> on_idle, absl::FunctionRef<void()> start);
  // The same for a read of the client's next message, which a drain that
  // has begun (or begins while it waits) ends with `on_stop` once it has
  // waited the drain's idle timeout, if that comes before `on_idle`'s.
  void ArmRead(std::function<void()> on_idle, std::function<void()> on_stop,
               absl::FunctionRef<void()> start);
  // Stops the clock: the read (write) completed. False when the timer has
  // already ended the stream: the reactor must start nothing and not Finish.
  bool Disarm();
  // Claims the stream's one Finish: true for the first caller.
  bool Claim();

  absl::Duration timeout() const { return timeout_; }

 private:
  friend class StreamDrain;
  struct State;

  void ArmWait(std::function<void()> on_idle, std::function<void()> on_stop,
               absl::FunctionRef<void()> start);

  const absl::Duration timeout_;
  StreamDrain* const drain_;
  const std::shared_ptr<State> state_;
};

// The open streams of one service, for its stop: from Drain() on, a
// stream that waits for its client's next message longer than the drain's
// idle timeout ends (StreamIdleDeadline::ArmRead's `on_stop`), while a
// stream that keeps sending goes on until the server's grace period
// ends. So a stop waits for work in flight, not for clients that have
// nothing to send. Thread-safe.
class StreamDrain {
 public:
  StreamDrain() = default;
  StreamDrain(const StreamDrain&) = delete;
  StreamDrain& operator=(const StreamDrain&) = delete;

  // Begins the drain: the reads waiting now end `idle` from now (zero: at
  // once) unless their message comes first, later reads after `idle` of
  // waiting. Once; later calls change nothing.
  void Drain(absl::Duration idle);
  // Whether Drain() was called.
  bool draining() const;

 private:
  friend class StreamIdleDeadline;
  using State = StreamIdleDeadline::State;

  void Add(const std::shared_ptr<State>& state);
  void Remove(const State* state);
  // The idle timeout of reads, once draining.
  bool IdleTimeout(absl::Duration* idle) const;

  mutable absl::Mutex mu_;  // taken after a State's, never before
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration idle_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const State*, std::weak_ptr<State>> streams_
      ABSL_GUARDED_BY(mu_);
};

// CANCELLED "<waited> for <timeout> (--stream-idle-timeout); <done>",
// e.g. "no batch for 5m (--stream-idle-timeout); the 3 batches before were
// committed": how an idle stream ends. CANCELLED, as for a client's passed
// deadline: the wait is the client's, a client error in the metrics.
absl::Status IdleError(absl::Duration timeout, absl::string_view waited,
                       absl::string_view done);

// UNAVAILABLE "server stopping: <done>; send the rest on a new stream",
// e.g. "server stopping: the 3 batches before were committed; …": how a
// stream that waits for its client ends once its server drains.
// UNAVAILABLE: the client may retry (another replica, or this one
// restarted).
absl::Status StoppingError(absl::string_view done);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_STREAM_IDLE_H_
