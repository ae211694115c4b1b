// The served certificate's end of validity, as a metric read at scrape
// time from a throwaway certificate (valid two days).
#include "services/common/certificate_metrics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "absl/time/clock.h"
#include "services/common/test_support.h"
#include "services/common/test_support_tls.h"

namespace reachrank::services {
namespace {

TEST(CertificateExpiryTest, ReportsTheCertificatesNotAfter) {
  auto dir = testing::MakeTempDir("cert_expiry");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto pki = testing::MakeTestPki(*dir);
  ASSERT_TRUE(pki.ok()) << pki.status();
  absl::StatusOr<absl::Time> not_after = CertificateNotAfter(pki->server_cert);
  ASSERT_TRUE(not_after.ok()) << not_after.status();
  // openssl -days 2: two days from its making, to the second.
  EXPECT_GT(*not_after, absl::Now() + absl::Hours(47));
  EXPECT_LE(*not_after, absl::Now() + absl::Hours(48));

  auto families = CertificateExpiryCollector(pki->server_cert).Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name,
            "reachrank_tls_certificate_expiry_timestamp_seconds");
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_EQ(families[0].metric[0].gauge.value,
            static_cast<double>(absl::ToUnixSeconds(*not_after)));

  // A key file is no certificate; a missing file gives no sample.
  EXPECT_EQ(CertificateNotAfter(pki->server_key).status(),
            absl::InvalidArgumentError(pki->server_key +
                                       " holds no readable certificate"));
  std::filesystem::remove(pki->server_cert);
  EXPECT_TRUE(CertificateExpiryCollector(pki->server_cert).Collect().empty());
}

}  // namespace
}  // namespace reachrank::services
