// How subcommands plug into the all-in-one `reachrank` binary. Each family
// of subcommands (topics, serve, score...) lives in its own file and
// registers itself from main.cc with an Add...Commands function; main parses
// the command line and runs the action of the subcommand that was given.
#ifndef REACHRANK_SERVICES_CLI_COMMAND_H_
#define REACHRANK_SERVICES_CLI_COMMAND_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/batch/progress.h"
#include "storage/store.h"

namespace reachrank::cli {

// Runs a parsed subcommand and returns the process exit code.
using Action = std::function<int()>;

// The actions of the leaf subcommands. Not thread-safe; used by main only.
class CommandSet {
 public:
  // `command` (owned by the CLI::App tree) runs `action` when parsed.
  void Add(CLI::App* command, Action action) {
    actions_.emplace_back(command, std::move(action));
  }
  // Runs the parsed subcommand's action; 2 with a usage hint when none was.
  int RunParsed(const CLI::App& app) const;

 private:
  std::vector<std::pair<CLI::App*, Action>> actions_;
};

// Prints "reachrank: <status>" on stderr; returns 0 for OK, 1 otherwise.
int ExitCode(const absl::Status& status);
// As ExitCode, but 2 for INVALID_ARGUMENT: a usage error (bad flag value).
int UsageExitCode(const absl::Status& status);

// INVALID_ARGUMENT when the file `output` (of flag `flag`; "-" passes)
// would lie directly in one of the database directories `dbs`, among
// RocksDB's own files (CURRENT, MANIFEST-*, *.sst): writing there can
// destroy the database. Subdirectories (a model set under models/) pass.
absl::Status CheckNotInDatabase(const std::string& flag,
                                const std::string& output,
                                const std::vector<std::string>& dbs);

// The values of `flag` when each names one shard (--server: shard i is the
// i-th; --db): INVALID_ARGUMENT naming a value given twice, or an empty one.
absl::Status CheckShardList(const std::string& flag,
                            const std::vector<std::string>& values);

// <directory of the running binary>/../<relative>: where a build (build/bin)
// or an install (bin/) keeps its data and models.
std::string BesideBinary(const std::string& relative);

// The bundled SIB-200 sentences: BesideBinary("data/sib200").
std::string DefaultSib200Dir();

// `reachrank topics train|eval|classify|segment` (topics_command.cc).
void AddTopicsCommands(CLI::App& app, CommandSet& commands);

// `reachrank simulate` (simulate_command.cc).
void AddSimulateCommand(CLI::App& app, CommandSet& commands);

// `reachrank admin checkpoint|shard|export-history|prune|delete-author|
// reclassify|check` (admin_command.cc).
void AddAdminCommands(CLI::App& app, CommandSet& commands);

// `reachrank admin reclassify` (reclassify_command.cc), registered by
// AddAdminCommands under `admin`.
void AddReclassifyCommand(CLI::App& admin, CommandSet& commands);

// `reachrank admin check` (check_command.cc), registered likewise.
void AddCheckCommand(CLI::App& admin, CommandSet& commands);

// True when opening a database failed because another process (a running
// service, its writer, or another command) holds the database's lock:
// RocksDB's "While lock file: <db>/LOCK" error.
bool HeldByAService(const absl::Status& open);

// Store::Open(options) for a command: a schema upgrade at open draws a
// progress line of the posts it reads (PostsProgress), and "<who>: <note>"
// is printed on stderr when opening did more than open (Store::open_note).
absl::StatusOr<std::unique_ptr<storage::Store>> OpenWritable(
    storage::StoreOptions options, absl::string_view who);

// `open` (a failure to open the database of flag --db), its NOT_FOUND
// prefixed "--db: ".
absl::Status NameDbFlag(const absl::Status& open);

// The database at `db` (flag --db), live or stopped, read through a
// secondary instance under `scratch` (removed by the caller). NOT_FOUND
// "--db: no database at <db>" when there is none.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenSecondaryOf(
    const std::string& db, const std::string& scratch);

// A progress line "<label>: <n> posts  <rate>/s" on stderr, drawn only
// when stderr is a terminal. Not thread-safe.
class PostsProgress {
 public:
  explicit PostsProgress(std::string label);
  void Update(int64_t posts);
  void Finish(int64_t posts);

 private:
  std::optional<batch::ProgressBar> bar_;
};

// The stopped database at `db` (flag --db), opened for writing. NOT_FOUND
// when there is none; FAILED_PRECONDITION "--db: <db> is open in a running
// service: <remedy> (...)" when a service holds it.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenStoppedDatabase(
    const std::string& db, absl::string_view remedy);

// `reachrank serve`: every service in one process (serve_command.cc).
void AddServeCommand(CLI::App& app, CommandSet& commands);

// `reachrank train` (train_command.cc).
void AddTrainCommand(CLI::App& app, CommandSet& commands);

// `reachrank score`: batch scoring of draft files (score_command.cc).
void AddScoreCommand(CLI::App& app, CommandSet& commands);

// `reachrank import`: historical posts with outcomes (import_command.cc).
void AddImportCommand(CLI::App& app, CommandSet& commands);

// `reachrank demo`: simulate, train and score in one process
// (demo_command.cc).
void AddDemoCommand(CLI::App& app, CommandSet& commands);

// Parses the command line: -1 when a subcommand is ready to run, else the
// exit code (0 after --help, 2 with the error for a usage error).
int ParseCommandLine(CLI::App& app, int argc, char** argv);

}  // namespace reachrank::cli

#endif  // REACHRANK_SERVICES_CLI_COMMAND_H_
