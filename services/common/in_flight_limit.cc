#include "services/common/in_flight_limit.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reachrank::services {
namespace {

prometheus::Gauge* GaugeIn(prometheus::Registry* registry,
                           const std::string& service) {
  if (registry == nullptr) return nullptr;
  return &prometheus::BuildGauge()
              .Name("reachrank_calls_in_flight")
              .Help(
                  "Calls a service is working on now (health checks and "
                  "model reloads not counted).")
              .Register(*registry)
              .Add({{"service", service}});
}

prometheus::Counter* RejectedIn(prometheus::Registry* registry,
                                const std::string& service) {
  if (registry == nullptr) return nullptr;
  return &prometheus::BuildCounter()
              .Name("reachrank_calls_rejected_total")
              .Help(
                  "Calls refused with RESOURCE_EXHAUSTED because the "
                  "service had --max-in-flight calls in flight.")
              .Register(*registry)
              .Add({{"service", service}});
}

}  // namespace

InFlightLimit::Ticket::Ticket(Ticket&& other) noexcept
    : limit_(std::exchange(other.limit_, nullptr)) {}

InFlightLimit::Ticket& InFlightLimit::Ticket::operator=(
    Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    limit_ = std::exchange(other.limit_, nullptr);
  }
  return *this;
}

void InFlightLimit::Ticket::Release() {
  if (limit_ != nullptr) std::exchange(limit_, nullptr)->Return();
}

InFlightLimit::InFlightLimit(int max_in_flight, const std::string& service,
                             prometheus::Registry* registry)
    : max_(max_in_flight),
      gauge_(GaugeIn(registry, service)),
      rejected_(RejectedIn(registry, service)) {}

absl::StatusOr<InFlightLimit::Ticket> InFlightLimit::TryAcquire() {
  int now = in_flight_.load(std::memory_order_relaxed);
  do {
    if (max_ > 0 && now >= max_) {
      if (rejected_ != nullptr) rejected_->Increment();
      return absl::ResourceExhaustedError(absl::StrCat(
          "too many calls in flight (", max_, "); retry with backoff"));
    }
  } while (!in_flight_.compare_exchange_weak(
      now, now + 1, std::memory_order_acquire, std::memory_order_relaxed));
  if (gauge_ != nullptr) gauge_->Increment();
  return Ticket(this);
}

void InFlightLimit::Return() {
  in_flight_.fetch_sub(1, std::memory_order_release);
  if (gauge_ != nullptr) gauge_->Decrement();
}

absl::StatusOr<InFlightLimit::Ticket> AcquireInFlight(InFlightLimit* limit) {
  if (limit == nullptr) return InFlightLimit::Ticket();
  return limit->TryAcquire();
}

}  // namespace reachrank::services
