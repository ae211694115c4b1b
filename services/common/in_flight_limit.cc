#include "services/common/in_flight_limit.h"

#include <atomic>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reachrank::services {

// One cap: a lock-free count of the places taken, with its gauge and its
// counter of refusals (both optional).
class InFlightLimit::Gate {
 public:
  Gate(int max, std::string what, prometheus::Gauge* gauge,
       prometheus::Counter* rejected)
      : max_(max), what_(std::move(what)), gauge_(gauge), rejected_(rejected) {}

  absl::StatusOr<Ticket> TryTake() {
    int now = count_.load(std::memory_order_relaxed);
    do {
      if (max_ > 0 && now >= max_) {
        if (rejected_ != nullptr) rejected_->Increment();
        return absl::ResourceExhaustedError(absl::StrCat(
            "too many ", what_, " (", max_, "); retry with backoff"));
      }
    } while (!count_.compare_exchange_weak(
        now, now + 1, std::memory_order_acquire, std::memory_order_relaxed));
    if (gauge_ != nullptr) gauge_->Increment();
    return Ticket(this);
  }

  // A place even beyond the cap.
  Ticket Take() {
    count_.fetch_add(1, std::memory_order_acquire);
    if (gauge_ != nullptr) gauge_->Increment();
    return Ticket(this);
  }

  void Return() {
    count_.fetch_sub(1, std::memory_order_release);
    if (gauge_ != nullptr) gauge_->Decrement();
  }

  int count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const int max_;
  const std::string what_;  // "calls in flight", for the refusal
  prometheus::Gauge* const gauge_;
  prometheus::Counter* const rejected_;
  std::atomic<int> count_{0};
};

namespace {

prometheus::Gauge* GaugeIn(prometheus::Registry* registry,
                           const std::string& name, const std::string& help,
                           const std::string& service) {
  if (registry == nullptr) return nullptr;
  return &prometheus::BuildGauge()
              .Name(name)
              .Help(help)
              .Register(*registry)
              .Add({{"service", service}});
}

prometheus::Counter* CounterIn(prometheus::Registry* registry,
                               const std::string& name, const std::string& help,
                               const std::string& service) {
  if (registry == nullptr) return nullptr;
  return &prometheus::BuildCounter()
              .Name(name)
              .Help(help)
              .Register(*registry)
              .Add({{"service", service}});
}

CallLimits CallsCappedAt(int max_in_flight) {
  CallLimits limits;
  limits.max_in_flight = max_in_flight;
  return limits;
}

}  // namespace

InFlightLimit::Ticket::Ticket(Ticket&& other) noexcept
    : gate_(std::exchange(other.gate_, nullptr)) {}

InFlightLimit::Ticket& InFlightLimit::Ticket::operator=(
    Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

void InFlightLimit::Ticket::Release() {
  if (gate_ != nullptr) std::exchange(gate_, nullptr)->Return();
}

InFlightLimit::InFlightLimit(const CallLimits& limits,
                             const std::string& service,
                             prometheus::Registry* registry)
    : limits_(limits),
      calls_(std::make_unique<Gate>(
          limits.max_in_flight, "calls in flight",
          GaugeIn(registry, "reachrank_calls_in_flight",
                  "Calls a service is working on now, a stream counted "
                  "while it answers a message (health checks and model "
                  "reloads not counted).",
                  service),
          CounterIn(registry, "reachrank_calls_rejected_total",
                    "Calls refused with RESOURCE_EXHAUSTED because the "
                    "service had --max-in-flight calls in flight.",
                    service))),
      streams_(std::make_unique<Gate>(
          limits.max_open_streams, "open streams",
          GaugeIn(registry, "reachrank_streams_open",
                  "Streaming calls open now, idle or not.", service),
          CounterIn(registry, "reachrank_streams_rejected_total",
                    "Streams refused with RESOURCE_EXHAUSTED because the "
                    "service had --max-open-streams streams open.",
                    service))) {}

InFlightLimit::InFlightLimit(int max_in_flight, const std::string& service,
                             prometheus::Registry* registry)
    : InFlightLimit(CallsCappedAt(max_in_flight), service, registry) {}

InFlightLimit::~InFlightLimit() = default;

absl::StatusOr<InFlightLimit::Ticket> InFlightLimit::TryAcquire() {
  return calls_->TryTake();
}

InFlightLimit::Ticket InFlightLimit::Acquire() { return calls_->Take(); }

absl::StatusOr<InFlightLimit::Ticket> InFlightLimit::TryOpenStream() {
  return streams_->TryTake();
}

int InFlightLimit::in_flight() const { return calls_->count(); }

int InFlightLimit::open_streams() const { return streams_->count(); }

absl::StatusOr<InFlightLimit::Ticket> AcquireInFlight(InFlightLimit* limit) {
  if (limit == nullptr) return InFlightLimit::Ticket();
  return limit->TryAcquire();
}

InFlightLimit::Ticket CountInFlight(InFlightLimit* limit) {
  if (limit == nullptr) return InFlightLimit::Ticket();
  return limit->Acquire();
}

absl::StatusOr<InFlightLimit::Ticket> OpenStream(InFlightLimit* limit) {
  if (limit == nullptr) return InFlightLimit::Ticket();
  return limit->TryOpenStream();
}

absl::Duration StreamIdleTimeout(const InFlightLimit* limit) {
  return limit == nullptr ? absl::ZeroDuration() : limit->stream_idle_timeout();
}

StreamDrain* StreamDrainOf(InFlightLimit* limit) {
  return limit == nullptr ? nullptr : limit->drain();
}

}  // namespace reachrank::services
