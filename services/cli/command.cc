#include "services/cli/command.h"

#include <iostream>

namespace reachrank::cli {

int CommandSet::RunParsed(const CLI::App& app) const {
  for (const auto& [command, action] : actions_) {
    if (command->parsed()) return action();
  }
  std::cerr << app.help();
  return 2;
}

int ExitCode(const absl::Status& status) {
  if (status.ok()) return 0;
  std::cerr << "reachrank: " << status << "\n";
  return 1;
}

}  // namespace reachrank::cli
