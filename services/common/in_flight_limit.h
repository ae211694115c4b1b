// in_flight_limit: the caps on the work one service takes on at once.
// Calls in flight: a unary call holds a place for its whole run and is
// refused beyond the cap. Open streams: a stream is admitted under a
// separate cap and holds that place from its start to its status; one that
// waits longer than the idle timeout is ended (services/common/stream_idle.h),
// and once the server stops (DrainStreams), one that waits longer than the
// drain's idle timeout.
// An admitted stream is counted among the calls in flight only while it
// answers a message, and is never refused mid-way: idle streams take no
// place from calls, and a burst of calls cannot break a stream. Refusals
// are RESOURCE_EXHAUSTED at once instead of queueing, so an overloaded
// server answers quickly and clients back off.
#ifndef REACHRANK_SERVICES_COMMON_IN_FLIGHT_LIMIT_H_
#define REACHRANK_SERVICES_COMMON_IN_FLIGHT_LIMIT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/common/stream_idle.h"

namespace reachrank::services {

// The defaults of --max-in-flight, --max-open-streams,
// --stream-idle-timeout and --drain-idle-timeout.
inline constexpr int kDefaultMaxInFlight = 256;
inline constexpr int kDefaultMaxOpenStreams = 1024;
inline constexpr absl::Duration kDefaultStreamIdleTimeout = absl::Minutes(5);
inline constexpr absl::Duration kDefaultDrainIdleTimeout = absl::Seconds(1);

// The caps of one service. A cap of 0 is unlimited; a zero idle timeout
// lets streams wait for ever.
struct CallLimits {
  int max_in_flight = kDefaultMaxInFlight;
  int max_open_streams = kDefaultMaxOpenStreams;
  absl::Duration stream_idle_timeout = kDefaultStreamIdleTimeout;
  // Once the server stops, how long a stream may wait for its client's
  // next message (zero: it ends at once).
  absl::Duration drain_idle_timeout = kDefaultDrainIdleTimeout;
};

// Counts the calls in flight and the open streams of one service, and
// drains its streams on a stop. Thread-safe (the counts lock-free).
class InFlightLimit {
  class Gate;

 public:
  // One place under a cap, given back when the Ticket is destroyed or
  // Release()d. Move-only; an empty Ticket holds nothing.
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
    friend class Gate;
    explicit Ticket(Gate* gate) : gate_(gate) {}
    Gate* gate_ = nullptr;  // nullptr: holds nothing
  };

  // Records the gauges reachrank_calls_in_flight{service} and
  // reachrank_streams_open{service} and the counters
  // reachrank_calls_rejected_total{service} and
  // reachrank_streams_rejected_total{service} in `registry` when given (it
  // must outlive *this); `service` is the label value.
  InFlightLimit(const CallLimits& limits, const std::string& service,
                prometheus::Registry* registry = nullptr);
  // Calls capped at `max_in_flight`, the other limits at their defaults.
  InFlightLimit(int max_in_flight, const std::string& service,
                prometheus::Registry* registry = nullptr);
  // Every Ticket, and every StreamIdleDeadline on drain(), must be gone
  // first.
  ~InFlightLimit();
  InFlightLimit(const InFlightLimit&) = delete;
  InFlightLimit& operator=(const InFlightLimit&) = delete;

  // A place for a unary call; beyond max_in_flight RESOURCE_EXHAUSTED "too
  // many calls in flight (N); retry with backoff".
  absl::StatusOr<Ticket> TryAcquire();
  // A place for one message of an admitted stream while it is answered:
  // counted like a call, even beyond max_in_flight (then new calls are
  // refused until the count drops). The streams' share is bounded by
  // max_open_streams, each answering one message at a time.
  Ticket Acquire();
  // A place for a stream from its start to its status; beyond
  // max_open_streams RESOURCE_EXHAUSTED "too many open streams (N); retry
  // with backoff".
  absl::StatusOr<Ticket> TryOpenStream();

  // On the server's stop: from now on a stream waiting for its client's
  // next message longer than the drain idle timeout ends (StreamDrain).
  void DrainStreams() { drain_.Drain(limits_.drain_idle_timeout); }
  // The drain of this service's streams (for their StreamIdleDeadline).
  StreamDrain* drain() { return &drain_; }

  // Calls being handled and streams open now (for metrics and tests).
  int in_flight() const;
  int open_streams() const;
  int max_in_flight() const { return limits_.max_in_flight; }
  absl::Duration stream_idle_timeout() const {
    return limits_.stream_idle_timeout;
  }

 private:
  const CallLimits limits_;
  const std::unique_ptr<Gate> calls_;
  const std::unique_ptr<Gate> streams_;
  StreamDrain drain_;
};

// `limit`->TryAcquire(), or an empty Ticket when `limit` is nullptr (no cap).
absl::StatusOr<InFlightLimit::Ticket> AcquireInFlight(InFlightLimit* limit);
// `limit`->Acquire(), or an empty Ticket when `limit` is nullptr.
InFlightLimit::Ticket CountInFlight(InFlightLimit* limit);
// `limit`->TryOpenStream(), or an empty Ticket when `limit` is nullptr.
absl::StatusOr<InFlightLimit::Ticket> OpenStream(InFlightLimit* limit);
// `limit`'s idle timeout for streams; zero (none) when `limit` is nullptr.
absl::Duration StreamIdleTimeout(const InFlightLimit* limit);
// `limit`'s drain of streams; nullptr when `limit` is nullptr.
StreamDrain* StreamDrainOf(InFlightLimit* limit);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_IN_FLIGHT_LIMIT_H_
