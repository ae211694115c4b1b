// The served certificate's end of validity, as a metric read at scrape
// time from a throwaway certificate (valid two days).
#include "services/common/certificate_metrics.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
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

  auto families =
      CertificateExpiryCollector(pki->server_cert, /*watched=*/true).Collect();
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
  EXPECT_TRUE(CertificateExpiryCollector(pki->server_cert, /*watched=*/true)
                  .Collect()
                  .empty());
}

// A self-signed certificate valid `days` days, written to `path`.
void WriteCertificate(const std::string& dir, const std::string& path,
                      int days) {
  const std::string command = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days ",
      days, " -keyout '", dir, "/other.key' -out '", path,
      "' -subj /CN=other >/dev/null 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// A watched file's renewal shows at the next scrape, and an unreadable
// file leaves the last date (the server keeps its last pair); a server
// that read its file once presents that certificate until restarted.
TEST(CertificateExpiryTest, FollowsTheFileOnlyWhenTheServerDoes) {
  auto dir = testing::MakeTempDir("cert_follow");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string cert = *dir + "/tls.crt";
  WriteCertificate(*dir, cert, 2);
  const CertificateExpiryCollector watched(cert, /*watched=*/true);
  const CertificateExpiryCollector once(cert, /*watched=*/false);
  auto value = [](const CertificateExpiryCollector& c) {
    auto families = c.Collect();
    return families.empty() || families[0].metric.empty()
               ? -1.0
               : families[0].metric[0].gauge.value;
  };
  const double first = value(watched);
  ASSERT_GT(first, 0);
  EXPECT_EQ(value(once), first);

  WriteCertificate(*dir, cert, 30);
  const double renewed = value(watched);
  EXPECT_GT(renewed, first + 27 * 86400);
  EXPECT_EQ(value(once), first);

  std::ofstream(cert) << "not a certificate";
  EXPECT_EQ(value(watched), renewed);
  EXPECT_EQ(value(once), first);
}

}  // namespace
}  // namespace reachrank::services
