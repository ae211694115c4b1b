// log: the services' lines on stderr, "<program>: <line>". Each line is
// written whole in one write, so that lines from several threads (a
// reload by RPC, the catch-up loop, the signal loop) never interleave.
#ifndef REACHRANK_SERVICES_COMMON_LOG_H_
#define REACHRANK_SERVICES_COMMON_LOG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace reachrank::services {

// Names the program in every later line (ServiceProcess sets it to the
// binary's name, `reachrank serve` to its own); "reachrank" until then.
// Thread-safe, like LogLine.
void SetLogProgram(std::string program);

// Writes "<program>: <line>\n" on stderr.
void LogLine(absl::string_view line);

}  // namespace reachrank::services

#endif  // REACHRANK_SERVICES_COMMON_LOG_H_
