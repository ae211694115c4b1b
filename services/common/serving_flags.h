// What every service binary's main shares: the serving flags and the way a
// start-up failure is reported. Header-only, for main.cc files only (keeps
// CLI11 out of the libraries).
#ifndef REACHRANK_SERVICES_COMMON_SERVING_FLAGS_H_
#define REACHRANK_SERVICES_COMMON_SERVING_FLAGS_H_

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace reachrank::services {

// Adds --listen, --metrics-listen and --shutdown-grace-ms, bound to the
// given variables (their current values are the defaults shown in --help).
inline void AddServingFlags(CLI::App& app, std::string& listen,
                            std::string& metrics_listen,
                            int& shutdown_grace_ms) {
  app.add_option("--listen", listen, "gRPC address, host:port")
      ->capture_default_str();
  app.add_option("--metrics-listen", metrics_listen,
                 "Prometheus /metrics address, host:port")
      ->capture_default_str();
  app.add_option("--shutdown-grace-ms", shutdown_grace_ms,
                 "On SIGTERM/SIGINT, how long calls in flight may finish")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

// Prints "<program>: <what>: <status>" on stderr; returns exit code 1.
inline int FailStartup(absl::string_view program, absl::string_view what,
                       const absl::Status& status) {
  std::cerr << program << ": " << what << ": " << status << std::endl;
  return 1;
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_SERVING_FLAGS_H_
