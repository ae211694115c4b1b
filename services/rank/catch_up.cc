#include "services/rank/catch_up.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "prometheus/metric_family.h"
#include "services/common/log.h"

namespace reachrank::rank {
namespace {

class CatchUpCollector final : public prometheus::Collectable {
 public:
  explicit CatchUpCollector(const CatchUpLoop& loop) : loop_(loop) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::ClientMetric lag;
    lag.gauge.value = absl::ToDoubleSeconds(loop_.Lag());
    prometheus::ClientMetric failures;
    failures.counter.value = static_cast<double>(loop_.failures());
    return {
        {"reachrank_rank_catch_up_lag_seconds",
         "Seconds since the secondary last caught up with the primary.",
         prometheus::MetricType::Gauge,
         {lag}},
        {"reachrank_rank_catch_up_failures_total",
         "Catch-ups with the primary that failed.",
         prometheus::MetricType::Counter,
         {failures}},
    };
  }

 private:
  const CatchUpLoop& loop_;
};

}  // namespace

CatchUpLoop::CatchUpLoop(CatchUp catch_up, absl::Duration interval, Clock clock)
    : catch_up_(std::move(catch_up)),
      interval_(interval),
      clock_(std::move(clock)),
      last_success_(clock_()) {}

CatchUpLoop::~CatchUpLoop() { Stop(); }

void CatchUpLoop::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void CatchUpLoop::Stop() {
  std::thread thread;
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

absl::Status CatchUpLoop::RunOnce() {
  absl::MutexLock run_lock(&run_mu_);
  const absl::Time began = clock_();
  absl::Status status = catch_up_();
  absl::MutexLock lock(&mu_);
  if (status.ok()) {
    // The view is as fresh as the moment the catch-up began.
    last_success_ = std::max(last_success_, began);
    if (failing_) services::LogLine("catch-up recovered");
    failing_ = false;
  } else {
    ++failures_;
    // Logged once per run of failures, not every interval.
    if (!failing_) services::LogLine("catch-up: " + status.ToString());
    failing_ = true;
  }
  return status;
}

absl::Duration CatchUpLoop::Lag() const {
  absl::MutexLock lock(&mu_);
  return clock_() - last_success_;
}

uint64_t CatchUpLoop::failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

void CatchUpLoop::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_);
      if (stop_) return;
    }
    RunOnce().IgnoreError();  // recorded (failures, lag) and logged
  }
}

std::shared_ptr<prometheus::Collectable> NewCatchUpCollector(
    const CatchUpLoop& loop) {
  return std::make_shared<CatchUpCollector>(loop);
}

}  // namespace reachrank::rank
