// An ingest service in this process, for the commands that fill a database
// directly (`reachrank simulate --data`, `reachrank demo`): the data goes
// through the real ingest path (validation, topic classification, dedup,
// counters) without a separate server.
#ifndef REACHRANK_SERVICES_CLI_IN_PROCESS_INGEST_H_
#define REACHRANK_SERVICES_CLI_IN_PROCESS_INGEST_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "services/cli/ingest_sink.h"

namespace reachrank::cli {

// Starts every service on loopback over the database directory `data`
// (created if missing; no other process may have it open) with the default
// topic model, calls `body` with a sink into its ingest service, then shuts
// the services down. Returns body's error, else a start or shutdown error.
absl::Status WithInProcessIngest(
    const std::string& data,
    absl::FunctionRef<absl::Status(IngestSink&)> body);

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_IN_PROCESS_INGEST_H_
