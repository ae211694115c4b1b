// reachrank: the all-in-one command line. Subcommands register themselves
// (command.h); this file only wires them up, parses and dispatches.
#include "CLI/CLI.hpp"
#include "base/std_descriptors.h"
#include "services/cli/command.h"
#include "services/common/build_info.h"

int main(int argc, char** argv) {
  // Before any file is opened: none may take the number of a closed stdin
  // or stdout (input_file.h tells a closed stdin from an empty one).
  reachrank::ReserveStandardDescriptors();
  CLI::App app{"reachrank: how likely a post is to reach strangers"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       reachrank::services::VersionLine("reachrank"));
  reachrank::cli::CommandSet commands;
  reachrank::cli::AddTopicsCommands(app, commands);
  reachrank::cli::AddSimulateCommand(app, commands);
  reachrank::cli::AddAdminCommands(app, commands);
  reachrank::cli::AddServeCommand(app, commands);
  reachrank::cli::AddTrainCommand(app, commands);
  reachrank::cli::AddScoreCommand(app, commands);
  reachrank::cli::AddImportCommand(app, commands);
  reachrank::cli::AddDemoCommand(app, commands);
  if (const int code = reachrank::cli::ParseCommandLine(app, argc, argv);
      code >= 0) {
    return code;
  }
  return commands.RunParsed(app);
}
