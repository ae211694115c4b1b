// catch_up: keeps a RocksDB secondary instance close to its primary. A
// background thread calls the store's TryCatchUpWithPrimary every interval
// and remembers when it last succeeded. Exposed as
//   reachrank_rank_catch_up_lag_seconds  seconds since the last successful
//       catch-up (since the loop was created, before the first one)
//   reachrank_rank_catch_up_failures_total  catch-up calls that failed
// "Lag" is the age of the secondary's view, not of the newest event: every
// write the primary had acknowledged when the last catch-up began is
// visible, so a write is visible at most lag + interval after it was
// acknowledged. A lag that keeps growing means catch-ups fail.
#ifndef REACHRANK_SERVICES_RANK_CATCH_UP_H_
#define REACHRANK_SERVICES_RANK_CATCH_UP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"

namespace reachrank::rank {

// Thread-safe. Start() and Stop() may be called from any thread; the
// destructor stops the thread.
class CatchUpLoop {
 public:
  using CatchUp = std::function<absl::Status()>;
  using Clock = std::function<absl::Time()>;

  // `catch_up` (e.g. a bound Store::TryCatchUpWithPrimary) must stay
  // callable until Stop() returns. `interval` > 0 is the pause between
  // calls; `clock` tells the time for the lag (tests pass a fake one).
  CatchUpLoop(
      CatchUp catch_up, absl::Duration interval,
      Clock clock = [] { return absl::Now(); });
  ~CatchUpLoop();
  CatchUpLoop(const CatchUpLoop&) = delete;
  CatchUpLoop& operator=(const CatchUpLoop&) = delete;

  // Starts the background thread (no-op when already started).
  void Start();
  // Wakes and joins the thread; calls in progress finish first. Idempotent.
  void Stop();

  // One catch-up now, recorded like the thread's; returns its status.
  absl::Status RunOnce();
  // Time since the last successful catch-up (since construction before
  // the first).
  absl::Duration Lag() const;
  // Failed catch-ups so far.
  uint64_t failures() const;

 private:
  void Run();

  // Constant after construction.
  const CatchUp catch_up_;
  const absl::Duration interval_;
  const Clock clock_;

  // Serialises catch-ups (the thread's and RunOnce callers').
  absl::Mutex run_mu_;
  mutable absl::Mutex mu_;
  absl::Time last_success_ ABSL_GUARDED_BY(mu_);
  uint64_t failures_ ABSL_GUARDED_BY(mu_) = 0;
  bool failing_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

// The two metrics above, read from `loop` at scrape time. Borrows `loop`:
// remove the collectable (and stop the endpoint) before `loop` dies.
std::shared_ptr<prometheus::Collectable> NewCatchUpCollector(
    const CatchUpLoop& loop);

}  // namespace reachrank::rank

#endif  // REACHRANK_SERVICES_RANK_CATCH_UP_H_
