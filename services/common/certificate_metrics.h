// certificate_metrics: when the certificate a server presents stops being
// valid, read from its file at scrape time (the file may be renewed while
// the server runs, --tls-refresh-interval), so an alert can fire before it
// lapses.
#ifndef REACHRANK_SERVICES_COMMON_CERTIFICATE_METRICS_H_
#define REACHRANK_SERVICES_COMMON_CERTIFICATE_METRICS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "services/common/tls_options.h"

namespace reachrank::services {

// reachrank_tls_certificate_expiry_timestamp_seconds: CertificateNotAfter
// (tls_options.h) of the certificate the server presents, in Unix seconds. A
// server that watches `cert_file` (`watched`) presents what the file holds, so
// each scrape reads it again, keeping the last date read while the file cannot
// be read (the server then keeps its last pair too); one that read it once
// presents that certificate until restarted, so its date is read once, at
// construction. No sample before a date was read. Thread-safe.
class CertificateExpiryCollector : public prometheus::Collectable {
 public:
  CertificateExpiryCollector(std::string cert_file, bool watched);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string cert_file_;
  const bool watched_;
  mutable absl::Mutex mu_;
  mutable std::optional<absl::Time> not_after_ ABSL_GUARDED_BY(mu_);
};

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_CERTIFICATE_METRICS_H_
