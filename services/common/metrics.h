// metrics: a process's Prometheus registry and the HTTP endpoint that
// exposes it (and any extra Collectable, read at scrape time) at /metrics,
// with the standard process metrics (memory, CPU, open files) included.
// Every service binary owns one Metrics object and passes its registry to
// the parts that record metrics; there is no global registry.
#ifndef REACHRANK_SERVICES_COMMON_METRICS_H_
#define REACHRANK_SERVICES_COMMON_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}

namespace reachrank::services {

// The standard process metrics of the calling process, read from /proc at
// scrape time: process_resident_memory_bytes, process_virtual_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_max_fds and
// process_start_time_seconds. A value that cannot be read is left out.
// Thread-safe (stateless).
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

// Owns a registry (holding `reachrank_build_info{version,revision}`), a
// ProcessCollector and, after Serve(), the /metrics endpoint. Thread-safe;
// the registry is too.
class Metrics {
 public:
  Metrics();
  ~Metrics();  // Stops the endpoint.
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The registry to create metric families in; lives as long as *this.
  prometheus::Registry& registry() { return *registry_; }

  // Starts serving /metrics over HTTP on `listen` ("host:port"; port 0
  // picks a free one). UNAVAILABLE when the address cannot be bound,
  // FAILED_PRECONDITION when already serving.
  absl::Status Serve(const std::string& listen);
  // The bound port, 0 before a successful Serve().
  int port() const;

  // Exposes `collectable` too, from now on (before or after Serve()). The
  // collectable is kept alive until removed or *this is destroyed.
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);
  // Stops exposing `collectable`; a scrape in flight may still hold it, so
  // callers must not rely on its referents dying right after this returns
  // unless they call Stop() first.
  void RemoveCollectable(const std::shared_ptr<prometheus::Collectable>& c);
  // Stops the endpoint; scrapes in flight finish first. Idempotent.
  void Stop();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable absl::Mutex mu_;
  std::unique_ptr<prometheus::Exposer> exposer_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<prometheus::Collectable>> extra_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_METRICS_H_
