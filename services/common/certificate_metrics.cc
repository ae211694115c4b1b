#include "services/common/certificate_metrics.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "prometheus/client_metric.h"
#include "prometheus/metric_type.h"
#include "services/common/tls_options.h"

namespace reachrank::services {

absl::StatusOr<absl::Time> CertificateNotAfter(const std::string& path) {
  RR_ASSIGN_OR_RETURN(std::string pem, ReadFlagFile("certificate", path));
  std::unique_ptr<BIO, decltype(&BIO_free_all)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free_all);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  std::tm tm{};
  const bool read = cert != nullptr &&
                    ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) == 1;
  ERR_clear_error();  // gRPC reads the same thread's error queue
  if (!read) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " holds no readable certificate"));
  }
  return absl::FromTimeT(timegm(&tm));
}

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
