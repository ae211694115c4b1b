// `reachrank admin checkpoint`: a consistent copy of a shard's database for
// backups (docs/operations.md, "Backup and restore"); `reachrank admin
// shard`: which shard owns an author (docs/operations.md, "Routing").
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/shard.h"
#include "services/cli/command.h"
#include "storage/store.h"

namespace reachrank::cli {
namespace {

struct CheckpointFlags {
  std::string db = "./reachrank-data";
  std::string out;
};

// The database of a running service is locked by its writer; a checkpoint
// is then taken through a secondary instance, whose scratch directory is
// removed afterwards.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenForCheckpoint(
    const storage::StoreOptions& options, const std::string& scratch,
    bool* live) {
  auto primary = storage::Store::Open(options);
  *live = !primary.ok() && absl::StrContains(primary.status().message(), "lock");
  if (!*live) return primary;
  return storage::Store::OpenSecondary(options, scratch);
}

int RunCheckpoint(const CheckpointFlags& f) {
  storage::StoreOptions options;
  options.path = f.db;
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() /
      absl::StrCat("reachrank-checkpoint-", getpid());
  bool live = false;
  auto store = OpenForCheckpoint(options, scratch.string(), &live);
  absl::Status status = store.status();
  if (store.ok()) {
    status = (*store)->Checkpoint(f.out);
    store->reset();
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  if (status.ok()) {
    std::cerr << "reachrank admin checkpoint: " << f.db << " -> " << f.out
              << (live ? " (live, through a secondary instance)" : "")
              << std::endl;
  }
  return ExitCode(status);
}

struct ShardFlags {
  int32_t shards = 1;
  std::string platform;
  std::string author_id;
};

void AddShardCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<ShardFlags>();
  CLI::App* shard = admin.add_subcommand(
      "shard",
      "Print the shard (0 .. N-1) that owns an author among N shards: the "
      "one its posts, events and drafts go to");
  shard->add_option("--shards", flags->shards, "Number of shards")
      ->required()->check(CLI::Range(1, 1 << 20));
  shard->add_option("platform", flags->platform, "Platform id")->required();
  shard->add_option("author_id", flags->author_id, "Author id on it")
      ->required();
  commands.Add(shard, [flags] {
    std::cout << ShardOf(flags->platform, flags->author_id, flags->shards)
              << "\n";
    return 0;
  });
}

}  // namespace

void AddAdminCommands(CLI::App& app, CommandSet& commands) {
  CLI::App* admin = app.add_subcommand("admin", "operate a database");
  admin->require_subcommand(1);
  auto flags = std::make_shared<CheckpointFlags>();
  CLI::App* checkpoint = admin->add_subcommand(
      "checkpoint",
      "Write a consistent copy of a database (live or stopped) into a new "
      "directory; `reachrank-ingest --db` opens the copy as it is");
  checkpoint->add_option("--db", flags->db, "Database directory")
      ->capture_default_str();
  checkpoint
      ->add_option("--out", flags->out,
                   "New directory for the copy (must not exist; same "
                   "filesystem hard-links the SST files)")
      ->required();
  commands.Add(checkpoint, [flags] { return RunCheckpoint(*flags); });
  AddShardCommand(*admin, commands);
}

}  // namespace reachrank::cli
