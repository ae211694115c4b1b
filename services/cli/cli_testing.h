// Test support for the CLI tests that run the real `reachrank` binary (or a
// script around it) and check what it prints.
#ifndef REACHRANK_SERVICES_CLI_CLI_TESTING_H_
#define REACHRANK_SERVICES_CLI_CLI_TESTING_H_

#include <string>
#include <vector>

namespace reachrank::cli::testing {

struct CommandResult {
  int exit_code = -1;  // -1: did not exit normally (or could not start)
  std::string output;  // stdout, then stderr when stderr_too
};

// Runs `command` with /bin/sh and waits for it (ctest's TIMEOUT bounds a
// hung child). With `stderr_too`, stderr is captured with stdout;
// otherwise it goes to the test's stderr.
CommandResult RunShell(const std::string& command, bool stderr_too = true);

// `arg` quoted for /bin/sh.
std::string ShellQuote(const std::string& arg);

// The lines of `text`, without their '\n'.
std::vector<std::string> Lines(const std::string& text);

}  // namespace reachrank::cli::testing

#endif  // REACHRANK_SERVICES_CLI_CLI_TESTING_H_
