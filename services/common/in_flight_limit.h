// in_flight_limit: a cap on the calls one service works on at once. Beyond
// the cap a new call is refused at once with RESOURCE_EXHAUSTED instead of
// queueing, so an overloaded server answers quickly and clients back off.
// Handlers take a Ticket first thing and hold it until their call ends.
#ifndef REACHRANK_SERVICES_COMMON_IN_FLIGHT_LIMIT_H_
#define REACHRANK_SERVICES_COMMON_IN_FLIGHT_LIMIT_H_

#include <atomic>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace reachrank::services {

// The default of --max-in-flight.
inline constexpr int kDefaultMaxInFlight = 256;

// Counts the calls in flight of one service. Thread-safe (lock-free).
class InFlightLimit {
 public:
  // One call's place under the limit, given back when the Ticket is
  // destroyed or Release()d. Move-only; an empty Ticket holds nothing.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket() { Release(); }

    // Gives the place back now (before answering, so that a client that
    // saw the answer finds the place free). Idempotent.
    void Release();

   private:
    friend class InFlightLimit;
    explicit Ticket(InFlightLimit* limit) : limit_(limit) {}
    InFlightLimit* limit_ = nullptr;  // nullptr: holds nothing
  };

  // `max_in_flight` calls at once; 0 means unlimited. Records the gauge
  // reachrank_calls_in_flight{service} and the counter
  // reachrank_calls_rejected_total{service} in `registry` when given (it
  // must outlive *this); `service` is the label value.
  InFlightLimit(int max_in_flight, const std::string& service,
                prometheus::Registry* registry = nullptr);
  // Every Ticket must be gone first.
  ~InFlightLimit() = default;
  InFlightLimit(const InFlightLimit&) = delete;
  InFlightLimit& operator=(const InFlightLimit&) = delete;

  // A Ticket when fewer than max_in_flight calls hold one; otherwise
  // RESOURCE_EXHAUSTED "too many calls in flight (N); retry with backoff".
  absl::StatusOr<Ticket> TryAcquire();

  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int max_in_flight() const { return max_; }

 private:
  void Return();

  // Constant after construction.
  const int max_;
  prometheus::Gauge* const gauge_;       // nullptr: no metrics
  prometheus::Counter* const rejected_;  // nullptr: no metrics

  std::atomic<int> in_flight_{0};
};

// `limit`->TryAcquire(), or an empty Ticket when `limit` is nullptr (no cap).
absl::StatusOr<InFlightLimit::Ticket> AcquireInFlight(InFlightLimit* limit);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_IN_FLIGHT_LIMIT_H_
