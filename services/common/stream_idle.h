// stream_idle: the end of a streaming call that waits too long for its
// client's next message (--stream-idle-timeout), and the guard that lets
// exactly one of the reactor and the timer finish the call.
#ifndef REACHRANK_SERVICES_COMMON_STREAM_IDLE_H_
#define REACHRANK_SERVICES_COMMON_STREAM_IDLE_H_

#include <functional>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace reachrank::services {

// Used by a reactor as follows: each StartRead (and StartWrite: a client
// that stops reading blocks the write) is made through Arm(), Disarm()
// first thing in OnReadDone (OnWriteDone), returning at once when it says
// the stream has ended, and Claim() before the reactor's own Finish. When an
// armed read waits past the timeout, the timer claims the end and runs
// `on_idle` on a gRPC thread; `on_idle` must Finish the call, and the
// reactor is still alive then (nothing else has finished it). Thread-safe.
// A zero timeout never fires.
class StreamIdleDeadline {
 public:
  explicit StreamIdleDeadline(absl::Duration timeout);
  // Cancels a pending timer; its callback then touches nothing of *this.
  ~StreamIdleDeadline();
  StreamIdleDeadline(const StreamIdleDeadline&) = delete;
  StreamIdleDeadline& operator=(const StreamIdleDeadline&) = delete;

  // Starts the clock and, under the same lock, the read (write) by calling
  // `start`, which must not wait for the operation: the timer cannot end
  // the stream (and gRPC delete the reactor) before the operation is
  // pending. After it the reactor may be gone; nothing of it is touched.
  void Arm(std::function<void()> on_idle, absl::FunctionRef<void()> start);
  // Stops the clock: the read (write) completed. False when the timer has
  // already ended the stream: the reactor must start nothing and not Finish.
  bool Disarm();
  // Claims the stream's one Finish: true for the first caller.
  bool Claim();

  absl::Duration timeout() const { return timeout_; }

 private:
  struct State;

  const absl::Duration timeout_;
  const std::shared_ptr<State> state_;
};

// CANCELLED "<waited> for <timeout> (--stream-idle-timeout); <done>",
// e.g. "no batch for 5m (--stream-idle-timeout); the 3 batches before were
// committed": how an idle stream ends. CANCELLED, as for a client's passed
// deadline: the wait is the client's, a client error in the metrics.
absl::Status IdleError(absl::Duration timeout, absl::string_view waited,
                       absl::string_view done);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_STREAM_IDLE_H_
