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

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_FLAG_CHECKS_H_
