// Checks of numeric flags whose failures state the rule and the value
// given ("--block-cache-mb: must be greater than 0, not 0"); CLI11's own
// PositiveNumber and NonNegativeNumber print a range up to the largest
// double instead. Header-only, for main.cc files and the CLI (keeps CLI11
// out of the libraries).
#ifndef REACHRANK_SERVICES_COMMON_FLAG_CHECKS_H_
#define REACHRANK_SERVICES_COMMON_FLAG_CHECKS_H_

#include <cstdlib>
#include <string>

#include "CLI/CLI.hpp"

namespace reachrank::services {

namespace flag_checks_internal {

// A validator passing numbers `passes` accepts; `rule` completes "must
// be", `name` is what --help shows after the type (as CLI11's own).
template <typename Passes>
CLI::Validator NumberCheck(Passes passes, const std::string& rule,
                           const std::string& name) {
  return CLI::Validator(
      [passes, rule](std::string& value) -> std::string {
        char* end = nullptr;
        const double number = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0') {
          return "must be a number, not '" + value + "'";
        }
        return passes(number) ? std::string()
                              : "must be " + rule + ", not " + value;
      },
      name);
}

}  // namespace flag_checks_internal

// Numbers above 0.
inline CLI::Validator Positive() {
  return flag_checks_internal::NumberCheck([](double n) { return n > 0; },
                                           "greater than 0", "POSITIVE");
}

// Numbers of 0 and above.
inline CLI::Validator NonNegative() {
  return flag_checks_internal::NumberCheck([](double n) { return n >= 0; },
                                           "0 or more", "NONNEGATIVE");
}

// Numbers from 0 to 1 (shares, fractions).
inline CLI::Validator Fraction() {
  return flag_checks_internal::NumberCheck(
      [](double n) { return n >= 0 && n <= 1; }, "between 0 and 1", "FRACTION");
}

// Numbers strictly between 0 and 1 (a share that must leave both sides
// some rows).
inline CLI::Validator OpenFraction() {
  return flag_checks_internal::NumberCheck(
      [](double n) { return n > 0 && n < 1; }, "greater than 0 and less than 1",
      "FRACTION");
}

// Numbers from 0 up to, not including, 1 (a share of which 0 means none).
inline CLI::Validator FractionBelowOne() {
  return flag_checks_internal::NumberCheck(
      [](double n) { return n >= 0 && n < 1; }, "0 or more and less than 1",
      "FRACTION");
}

// A gRPC address: when it ends in ":<digits>", the port must be 0-65535
// (gRPC takes 99999 modulo 65536 and listens, or calls, elsewhere). Other
// forms (unix:path, a name without a port) are left to gRPC.
inline CLI::Validator Address() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const size_t colon = value.rfind(':');
        if (colon == std::string::npos) return std::string();
        const std::string port = value.substr(colon + 1);
        if (port.empty() || port.size() > 9 ||
            port.find_first_not_of("0123456789") != std::string::npos) {
          return std::string();
        }
        return std::stol(port) <= 65535 ? std::string()
                                        : "port " + port + " must be 0-65535";
      },
      "HOST:PORT");
}

// The address of a server to call: HOST:PORT with a port of 1-65535 (an
// IPv6 address in brackets), or a gRPC URI: unix:PATH, or dns:, ipv4: or
// ipv6: followed by such an address. A port left out or 0 would have gRPC
// call 443 or nothing, and a command retry "connection refused" before it
// says why.
inline CLI::Validator ServerAddress() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        std::string address = value;
        for (const char* scheme : {"unix:", "unix-abstract:"}) {
          if (address.rfind(scheme, 0) == 0) return std::string();
        }
        for (const char* scheme : {"dns:", "ipv4:", "ipv6:"}) {
          if (address.rfind(scheme, 0) != 0) continue;
          address = address.substr(std::string(scheme).size());
          // dns://AUTHORITY/HOST:PORT names a DNS server first.
          if (address.rfind("//", 0) == 0) {
            const size_t slash = address.find('/', 2);
            address =
                slash == std::string::npos ? "" : address.substr(slash + 1);
          }
        }
        const std::string bad =
            "'" + value + "' needs HOST:PORT with a port of 1-65535";
        const size_t colon = address.rfind(':');
        if (colon == std::string::npos || colon == 0) return bad;
        const std::string host = address.substr(0, colon);
        if (host.find(':') != std::string::npos && host.front() != '[') {
          return "'" + value + "': write an IPv6 address as [ADDRESS]:PORT";
        }
        const std::string port = address.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos ||
            std::stol(port) < 1 || std::stol(port) > 65535) {
          return bad;
        }
        return std::string();
      },
      "HOST:PORT");
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_FLAG_CHECKS_H_
