#include "services/common/certificate_metrics.h"

#include <utility>

#include "prometheus/client_metric.h"
#include "prometheus/metric_type.h"

namespace reachrank::services {

CertificateExpiryCollector::CertificateExpiryCollector(std::string cert_file,
                                                       bool watched)
    : cert_file_(std::move(cert_file)), watched_(watched) {
  absl::StatusOr<absl::Time> not_after = CertificateNotAfter(cert_file_);
  if (not_after.ok()) not_after_ = *not_after;
}

std::vector<prometheus::MetricFamily> CertificateExpiryCollector::Collect()
    const {
  absl::MutexLock lock(&mu_);
  if (watched_) {
    absl::StatusOr<absl::Time> now_on_disk = CertificateNotAfter(cert_file_);
    if (now_on_disk.ok()) not_after_ = *now_on_disk;
  }
  if (!not_after_.has_value()) return {};
  prometheus::ClientMetric metric;
  metric.gauge.value = static_cast<double>(absl::ToUnixSeconds(*not_after_));
  return {{"reachrank_tls_certificate_expiry_timestamp_seconds",
           "When the certificate in --tls-cert stops being valid (notAfter), "
           "Unix seconds; read from the file at each scrape",
           prometheus::MetricType::Gauge,
           {std::move(metric)}}};
}

}  // namespace reachrank::services
