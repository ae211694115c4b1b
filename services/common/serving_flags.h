// What every service binary's main shares: the serving flags and the
// server options they describe (the rest of a binary's frame is
// service_process.h). Header-only, for main.cc files only (keeps CLI11 out
// of the libraries).
#ifndef REACHRANK_SERVICES_COMMON_SERVING_FLAGS_H_
#define REACHRANK_SERVICES_COMMON_SERVING_FLAGS_H_

#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/shard.h"
#include "services/common/auth.h"
#include "services/common/flag_checks.h"
#include "services/common/in_flight_limit.h"
#include "services/common/server_runner.h"
#include "services/common/tls_options.h"

namespace reachrank::services {

// The flags every server takes; the listen addresses carry the binary's
// defaults.
struct ServingFlags {
  ServingFlags(std::string default_listen, std::string default_metrics_listen)
      : listen(std::move(default_listen)),
        metrics_listen(std::move(default_metrics_listen)) {}

  std::string listen;
  std::string metrics_listen;
  int grace_period_s = 10;
  int shutdown_grace_ms = -1;  // deprecated alias; -1: not given
  ServerTlsOptions tls;
  bool insecure = false;
  std::string tokens_file;  // "": no authorisation
  int max_concurrent_streams = 100;
  int max_in_flight = kDefaultMaxInFlight;  // per service; 0: unlimited
  int max_open_streams = kDefaultMaxOpenStreams;  // per service; 0: unlimited
  int stream_idle_timeout_s =
      absl::ToInt64Seconds(kDefaultStreamIdleTimeout);  // 0: none
  int drain_idle_timeout_s =
      absl::ToInt64Seconds(kDefaultDrainIdleTimeout);  // 0: at once
};

// Adds --shard I/N (base/shard.h), parsed into `shard`: this server's
// database is shard I of N, and it refuses `what` of authors another shard
// owns. Without the flag `shard` keeps its value (0/1: owns every author).
inline void AddShardFlag(CLI::App& app, ShardSlice& shard,
                         const std::string& what) {
  app.add_option_function<std::string>(
         "--shard",
         [&shard](const std::string& v) { shard = *ParseShardSlice(v); },
         "I/N: this database is shard I of N (docs/operations.md "
         "\"Routing\"); " + what + " of authors another shard owns are "
         "refused with FAILED_PRECONDITION")
      ->check(CLI::Validator(
          [](std::string& v) {
            auto parsed = ParseShardSlice(v);
            return parsed.ok() ? std::string()
                               : std::string(parsed.status().message());
          },
          "I/N"));
}

// Adds --listen, --metrics-listen, --grace-period (and its deprecated
// alias --shutdown-grace-ms), --tls-cert, --tls-key, --tls-client-ca,
// --tls-refresh-interval and --insecure, --max-concurrent-streams,
// --max-in-flight, --max-open-streams, --stream-idle-timeout,
// --drain-idle-timeout and --tokens, bound to `f` (its current values are
// the defaults in --help).
inline void AddServingFlags(CLI::App& app, ServingFlags& f) {
  app.add_option("--listen", f.listen, "gRPC address, host:port")
      ->capture_default_str()
      ->check(Address());
  app.add_option("--metrics-listen", f.metrics_listen,
                 "Prometheus /metrics address, host:port")
      ->capture_default_str();
  app.add_option("--grace-period", f.grace_period_s,
                 "On SIGTERM/SIGINT, seconds that calls in flight may take "
                 "to finish before they are cancelled")
      ->capture_default_str()
      ->check(NonNegative());
  app.add_option("--shutdown-grace-ms", f.shutdown_grace_ms,
                 "Deprecated: --grace-period in milliseconds (wins if given)")
      ->check(NonNegative());
  app.add_option("--tls-cert", f.tls.cert_file,
                 "TLS certificate chain (PEM); needs --tls-key");
  app.add_option("--tls-key", f.tls.key_file, "TLS private key (PEM)");
  app.add_option("--tls-client-ca", f.tls.client_ca_file,
                 "CA certificates (PEM): require and verify client "
                 "certificates signed by them (mutual TLS)");
  app.add_option("--tls-refresh-interval", f.tls.refresh_interval_s,
                 "Seconds between looks at --tls-cert, --tls-key and "
                 "--tls-client-ca (and the topic client's --topics-tls-* "
                 "files): a renewed file serves new connections without a "
                 "restart. 0: read once, at start")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_flag("--insecure", f.insecure,
               "Serve plaintext gRPC (without it, --tls-cert and --tls-key "
               "are required)");
  app.add_option("--max-concurrent-streams", f.max_concurrent_streams,
                 "Calls one client connection may have open at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--max-in-flight", f.max_in_flight,
                 "Calls each service works on at once (all clients; a "
                 "stream counts while it answers a message); more are "
                 "refused with RESOURCE_EXHAUSTED. 0: unlimited")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  app.add_option("--max-open-streams", f.max_open_streams,
                 "Streaming calls each service keeps open at once, idle or "
                 "not (all clients); more are refused with "
                 "RESOURCE_EXHAUSTED. 0: unlimited")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  app.add_option("--stream-idle-timeout", f.stream_idle_timeout_s,
                 "Seconds a stream may wait for its client's next message "
                 "(or, ScoreDrafts and ClassifyStream, for it to read an "
                 "answer) before it is ended (CANCELLED). 0: for ever")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_option("--drain-idle-timeout", f.drain_idle_timeout_s,
                 "Once SIGTERM/SIGINT came: seconds a stream may wait for "
                 "its client's next message before it is ended "
                 "(UNAVAILABLE; what it sent before kept). Streams that "
                 "keep sending go on until --grace-period ends. 0: at once")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_option("--tokens", f.tokens_file,
                 "Bearer tokens file: '<sha256 hex> <name> <scope,...>' per "
                 "line (docs/operations.md); every call then needs a token "
                 "with its method's scope; SIGHUP reads it again. Needs "
                 "TLS. Without it: no auth");
}

// Adds how a client reaches `what` (another reachrank server):
// --<prefix>tls-ca, --<prefix>tls-cert, --<prefix>tls-key and
// --<prefix>token-file (see ClientTlsOptions). Without --<prefix>tls-ca the
// client speaks plaintext.
inline void AddClientSecurityFlags(CLI::App& app, ClientTlsOptions& o,
                                   const std::string& prefix,
                                   const std::string& what) {
  o.flag_prefix = prefix;
  app.add_option("--" + prefix + "tls-ca", o.ca_file,
                 "CA certificates (PEM) that sign " + what +
                     "'s certificate; without it, plaintext");
  app.add_option("--" + prefix + "tls-cert", o.cert_file,
                 "Client certificate (PEM) for " + what + " (mutual TLS)");
  app.add_option("--" + prefix + "tls-key", o.key_file,
                 "Its private key (PEM)");
  app.add_option("--" + prefix + "token-file", o.token_file,
                 "File holding the bearer token sent to " + what +
                     " (needs --" + prefix + "tls-ca)");
}

// The grace period the flags ask for.
inline absl::Duration GracePeriod(const ServingFlags& f) {
  return f.shutdown_grace_ms >= 0 ? absl::Milliseconds(f.shutdown_grace_ms)
                                  : absl::Seconds(f.grace_period_s);
}

// The caps of each service the flags describe.
inline CallLimits CallLimitsFrom(const ServingFlags& f) {
  CallLimits limits;
  limits.max_in_flight = f.max_in_flight;
  limits.max_open_streams = f.max_open_streams;
  limits.stream_idle_timeout = absl::Seconds(f.stream_idle_timeout_s);
  limits.drain_idle_timeout = absl::Seconds(f.drain_idle_timeout_s);
  return limits;
}

// The server options the flags describe; the transport check's error
// (naming the flags) when neither TLS nor --insecure was chosen, the
// tokens file's error, FAILED_PRECONDITION for --tokens without TLS.
inline absl::StatusOr<ServerOptions> ServerOptionsFrom(const ServingFlags& f) {
  if (absl::Status s = ValidateServerTransport(f.tls, f.insecure); !s.ok()) {
    return s;
  }
  ServerOptions options;
  options.listen = f.listen;
  options.shutdown_grace = GracePeriod(f);
  options.tls = f.tls;
  options.max_concurrent_streams = f.max_concurrent_streams;
  if (f.tokens_file.empty()) return options;
  if (f.insecure) {
    return absl::FailedPreconditionError(
        "--tokens: needs --tls-cert and --tls-key, not --insecure (bearer "
        "tokens are never accepted in plaintext)");
  }
  absl::StatusOr<std::shared_ptr<TokenAuthProcessor>> auth =
      TokenAuthProcessor::Load(f.tokens_file);
  if (!auth.ok()) return auth.status();
  options.auth = *std::move(auth);
  return options;
}

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_SERVING_FLAGS_H_
