// certificate_metrics: when the certificate a server presents stops being
// valid, read from its file at scrape time (the file may be renewed while
// the server runs, --tls-refresh-interval), so an alert can fire before it
// lapses.
#ifndef REACHRANK_SERVICES_COMMON_CERTIFICATE_METRICS_H_
#define REACHRANK_SERVICES_COMMON_CERTIFICATE_METRICS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace reachrank::services {

// The end of validity (notAfter) of the first certificate in the PEM file
// `path`. NOT_FOUND when it cannot be read, INVALID_ARGUMENT when it holds
// no readable certificate.
absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& path);

// reachrank_tls_certificate_expiry_timestamp_seconds: CertificateNotAfter
// of `cert_file` in Unix seconds, each scrape; left out while the file
// cannot be read. Thread-safe.
class CertificateExpiryCollector : public prometheus::Collectable {
 public:
  explicit CertificateExpiryCollector(std::string cert_file)
      : cert_file_(std::move(cert_file)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string cert_file_;
};

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_CERTIFICATE_METRICS_H_
