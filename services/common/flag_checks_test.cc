// Positive(), NonNegative(), Fraction(), OpenFraction(), Address() and
// ServerAddress(): a failing flag names the rule and the value given;
// --help names the rule as CLI11's own checks do.
#include "services/common/flag_checks.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reachrank::services {
namespace {

using ::testing::HasSubstr;

// The error of parsing `args` (program name first), "" when they parse.
std::string ParseError(CLI::App& app, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(FlagChecksTest, StateTheRuleAndTheValue) {
  CLI::App app;
  int mb = 256;
  double grace = 10;
  app.add_option("--mb", mb)->check(Positive());
  double share = 0.5;
  app.add_option("--grace", grace)->check(NonNegative());
  app.add_option("--share", share)->check(Fraction());
  EXPECT_EQ(ParseError(app, {"x", "--mb", "0"}),
            "--mb: must be greater than 0, not 0");
  EXPECT_EQ(ParseError(app, {"x", "--grace", "-0.5"}),
            "--grace: must be 0 or more, not -0.5");
  EXPECT_EQ(ParseError(app, {"x", "--mb", "12x"}),
            "--mb: must be a number, not '12x'");
  EXPECT_EQ(ParseError(app, {"x", "--share", "1.5"}),
            "--share: must be between 0 and 1, not 1.5");
  EXPECT_EQ(ParseError(app, {"x", "--mb", "3", "--grace", "0", "--share", "1"}),
            "");
  EXPECT_EQ(mb, 3);
  EXPECT_EQ(grace, 0);
  EXPECT_EQ(share, 1);
  EXPECT_THAT(app.help(), HasSubstr("INT:POSITIVE"));
  EXPECT_THAT(app.help(), HasSubstr("FLOAT:NONNEGATIVE"));
}

TEST(FlagChecksTest, OpenFractionLeavesBothSidesSomeRows) {
  CLI::App app;
  double share = 0.2;
  app.add_option("--share", share)->check(OpenFraction());
  EXPECT_EQ(ParseError(app, {"x", "--share", "1"}),
            "--share: must be greater than 0 and less than 1, not 1");
  EXPECT_EQ(ParseError(app, {"x", "--share", "0"}),
            "--share: must be greater than 0 and less than 1, not 0");
  EXPECT_EQ(ParseError(app, {"x", "--share", "0.25"}), "");
  EXPECT_EQ(share, 0.25);
  CLI::App below_one;
  double validation = 0.1;
  below_one.add_option("--validation", validation)->check(FractionBelowOne());
  EXPECT_EQ(ParseError(below_one, {"x", "--validation", "0"}), "");
  EXPECT_EQ(validation, 0);
  EXPECT_EQ(ParseError(below_one, {"x", "--validation", "1"}),
            "--validation: must be 0 or more and less than 1, not 1");
}

// Each address of a comma-separated list is checked.
TEST(FlagChecksTest, AddressPortsAreAtMost65535) {
  CLI::App app;
  std::vector<std::string> servers;
  app.add_option("--server", servers)->delimiter(',')->check(Address());
  EXPECT_EQ(ParseError(app, {"x", "--server", "127.0.0.1:1,[::1]:99999"}),
            "--server: port 99999 must be 0-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server", "localhost:65536"}),
            "--server: port 65536 must be 0-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server",
                             "127.0.0.1:0,[::1]:65535,unix:/tmp/s,dns:name"}),
            "");
  EXPECT_EQ(servers.size(), 4u);
}

// A server to call needs its port: gRPC would call 443 for "localhost" and
// nothing for port 0.
TEST(FlagChecksTest, ServerAddressesNeedAPort) {
  CLI::App app;
  std::vector<std::string> servers;
  app.add_option("--server", servers)->delimiter(',')->check(ServerAddress());
  EXPECT_EQ(ParseError(app, {"x", "--server", "127.0.0.1:50051,localhost"}),
            "--server: 'localhost' needs HOST:PORT with a port of 1-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server", "127.0.0.1:"}),
            "--server: '127.0.0.1:' needs HOST:PORT with a port of 1-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server", "[::1]:0"}),
            "--server: '[::1]:0' needs HOST:PORT with a port of 1-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server", "h:99999"}),
            "--server: 'h:99999' needs HOST:PORT with a port of 1-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server", "::1"}),
            "--server: '::1': write an IPv6 address as [ADDRESS]:PORT");
  EXPECT_EQ(ParseError(app, {"x", "--server", "dns:///name"}),
            "--server: 'dns:///name' needs HOST:PORT with a port of 1-65535");
  EXPECT_EQ(ParseError(app, {"x", "--server",
                             "127.0.0.1:1,[::1]:65535,unix:/tmp/s,"
                             "dns:///name:50051,name.example:443,"
                             "ipv6:[::1]:9,dns://8.8.8.8/name:7"}),
            "");
  EXPECT_EQ(servers.size(), 7u);
}

}  // namespace
}  // namespace reachrank::services
