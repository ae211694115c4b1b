// `reachrank admin checkpoint`: a consistent copy of a shard's database for
// backups (docs/operations.md, "Backup and restore"); `reachrank admin
// shard`: which shard owns an author; `reachrank admin export-history`: a
// shard slice's posts and authors as import files, to move authors to
// another shard, and `reachrank admin prune`: deleting the moved authors
// from their old shard (docs/operations.md, "Routing"); `reachrank admin
// reclassify` is in reclassify_command.cc.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "base/output_file.h"
#include "base/scratch_dir.h"
#include "base/shard.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/batch/history_export.h"
#include "services/batch/progress.h"
#include "services/batch/shard_prune.h"
#include "services/cli/command.h"
#include "services/cli/ingest_sink.h"
#include "services/common/flag_checks.h"
#include "services/common/serving_flags.h"
#include "services/ingest/validation.h"
#include "storage/store.h"

namespace reachrank::cli {
namespace {

// The ingest service's rules for a platform and an author id
// (INVALID_ARGUMENT naming the field), checked before any work.
absl::Status CheckAuthor(const std::string& platform,
                         const std::string& author_id) {
  v1::AuthorRef ref;
  ref.set_platform(platform);
  ref.set_author_id(author_id);
  return ingest::ValidateAuthorRef(ref);
}

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
  auto primary = OpenWritable(options, "reachrank admin checkpoint");
  *live = HeldByAService(primary.status());
  if (!*live) return primary;
  return storage::Store::OpenSecondary(options, scratch);
}

// INVALID_ARGUMENT when `out` is `db` or lies inside it: RocksDB would
// write the copy among the files of the database it copies.
absl::Status CheckCheckpointOut(const std::string& db, const std::string& out) {
  std::error_code a, b;
  std::filesystem::path from = std::filesystem::weakly_canonical(db, a);
  const std::filesystem::path to = std::filesystem::weakly_canonical(out, b);
  if (a || b) return absl::OkStatus();
  if (from.filename().empty()) from = from.parent_path();  // "db/"
  const auto [end, ignored] =
      std::mismatch(from.begin(), from.end(), to.begin(), to.end());
  if (end != from.end()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--out: ", out, " is inside --db ", db,
                   "; a checkpoint goes beside the database, not in it"));
}

int RunCheckpoint(const CheckpointFlags& f) {
  if (absl::Status s = CheckCheckpointOut(f.db, f.out); !s.ok()) {
    return UsageExitCode(s);
  }
  storage::StoreOptions options;
  options.path = f.db;
  options.create_if_missing = false;
  auto scratch = ScratchDirectory::Create("checkpoint");
  if (!scratch.ok()) return ExitCode(scratch.status());
  bool live = false;
  auto store = OpenForCheckpoint(options, (*scratch)->path(), &live);
  const absl::Status status =
      store.ok() ? (*store)->Checkpoint(f.out) : NameDbFlag(store.status());
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
    // A platform or id the services refuse owns no shard.
    if (absl::Status s = CheckAuthor(flags->platform, flags->author_id);
        !s.ok()) {
      return UsageExitCode(s);
    }
    std::cout << ShardOf(flags->platform, flags->author_id, flags->shards)
              << "\n";
    return 0;
  });
}

struct ExportHistoryFlags {
  std::string db = "./reachrank-data";
  std::string shard;
  std::string out;
  std::string authors_out;
  std::string from;    // RFC 3339 hour, empty: no bound
  std::string before;  // RFC 3339 hour, empty: no bound
};

// `value` of `flag` as hours since the epoch: an RFC 3339 time on an hour
// boundary; `unset` when empty. INVALID_ARGUMENT naming the flag otherwise.
absl::StatusOr<int32_t> ParseHour(const char* flag, const std::string& value,
                                  int32_t unset) {
  if (value.empty()) return unset;
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": expected an RFC 3339 time such as 2026-03-01T10:00:00Z, ",
        error));
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  if (seconds % 3600 != 0 || absl::FromUnixSeconds(seconds) != t) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": must be the start of an hour, not ", value));
  }
  const int64_t hour = seconds / 3600;
  if (hour <= std::numeric_limits<int32_t>::min() ||
      hour >= std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": out of range: ", value));
  }
  return static_cast<int32_t>(hour);
}

absl::StatusOr<batch::HourRange> ParseHourRange(const ExportHistoryFlags& f) {
  batch::HourRange range;
  RR_ASSIGN_OR_RETURN(range.from, ParseHour("--from", f.from, range.from));
  RR_ASSIGN_OR_RETURN(range.before,
                      ParseHour("--before", f.before, range.before));
  if (range.from >= range.before) {
    return absl::InvalidArgumentError("--from: must be before --before");
  }
  return range;
}

// --out and --authors-out must be two files: both streams would truncate
// and write the one.
absl::Status CheckTwoOutputs(const ExportHistoryFlags& f) {
  if (f.authors_out.empty()) return absl::OkStatus();
  std::error_code a, b;
  const auto out = std::filesystem::weakly_canonical(f.out, a);
  const auto authors = std::filesystem::weakly_canonical(f.authors_out, b);
  const bool same = (!a && !b && out == authors) ||
                    std::filesystem::equivalent(f.out, f.authors_out, a);
  if (!same) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--authors-out: ", f.authors_out,
      " is the file of --out; the posts and the authors need a file each"));
}

// Reads the database through a secondary instance (a running writer keeps
// running), whose scratch directory is removed afterwards. The outputs are
// opened (and truncated) only once the database has opened.
absl::Status RunExportHistory(const ExportHistoryFlags& f) {
  RR_ASSIGN_OR_RETURN(ShardSlice slice, ParseShardSlice(f.shard));
  RR_ASSIGN_OR_RETURN(batch::HourRange range, ParseHourRange(f));
  RR_RETURN_IF_ERROR(CheckTwoOutputs(f));
  RR_RETURN_IF_ERROR(CheckNotInDatabase("--out", f.out, {f.db}));
  if (!f.authors_out.empty()) {
    RR_RETURN_IF_ERROR(
        CheckNotInDatabase("--authors-out", f.authors_out, {f.db}));
  }
  storage::StoreOptions options;
  options.path = f.db;
  RR_ASSIGN_OR_RETURN(const auto scratch,
                      ScratchDirectory::Create("export-history"));
  RR_ASSIGN_OR_RETURN(auto store, OpenSecondaryOf(f.db, scratch->path()));
  RR_ASSIGN_OR_RETURN(auto posts, OutputFile::Open("--out", f.out));
  std::unique_ptr<OutputFile> authors;
  if (!f.authors_out.empty()) {
    RR_ASSIGN_OR_RETURN(authors,
                        OutputFile::Open("--authors-out", f.authors_out));
  }
  absl::StatusOr<batch::HistoryExportSummary> exported =
      batch::ExportHistory(*store, slice, posts->stream(),
                           authors ? &authors->stream() : nullptr, range);
  if (!exported.ok()) {  // a write error: say which file and why
    RR_RETURN_IF_ERROR(posts->status());
    if (authors) RR_RETURN_IF_ERROR(authors->status());
    return exported.status();
  }
  const batch::HistoryExportSummary& summary = *exported;
  RR_RETURN_IF_ERROR(posts->Commit());
  if (authors) RR_RETURN_IF_ERROR(authors->Commit());
  std::cerr << absl::StrFormat(
      "reachrank admin export-history: shard %s: %d posts (%d counts) -> %s, "
      "%d authors%s\n",
      f.shard, summary.posts, summary.cells, f.out, summary.authors,
      f.authors_out.empty() ? "" : " -> " + f.authors_out);
  return absl::OkStatus();
}

void AddExportHistoryCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<ExportHistoryFlags>();
  CLI::App* cmd = admin.add_subcommand(
      "export-history",
      "Write the posts (with their hourly counters) and authors that shard "
      "I of N owns as `reachrank import` files: how authors move to a new "
      "shard");
  cmd->add_option("--db", flags->db, "Database directory (live or stopped)")
      ->capture_default_str();
  cmd->add_option("--shard", flags->shard,
                  "I/N: export the authors shard I of N owns")
      ->required();
  cmd->add_option("--out", flags->out, "Posts file (import lines) to write")
      ->required();
  cmd->add_option("--authors-out", flags->authors_out,
                  "Authors file (Author lines, `import --authors`) to write");
  cmd->add_option("--from", flags->from,
                  "Write only the counts of hours from this one on (RFC "
                  "3339, on the hour): the second part of a move");
  cmd->add_option("--before", flags->before,
                  "Write only the counts of hours before this one (RFC 3339, "
                  "on the hour): the first part of a move, while the old "
                  "shard still takes events");
  commands.Add(cmd,
               [flags] { return UsageExitCode(RunExportHistory(*flags)); });
}

struct PruneFlags {
  std::string db = "./reachrank-data";
  std::string shard;
  bool apply = false;
  std::string server;  // delete through this ingest service
  services::ClientTlsOptions security;  // of --server
  int deadline_s = 60;
};

// The existing database `db` opened for writing, or — when the deletion
// goes through a running service — read through a secondary instance
// under `scratch` (removed by the caller). A database held by a running
// service is otherwise FAILED_PRECONDITION saying so.
absl::StatusOr<std::unique_ptr<storage::Store>> OpenForDeletion(
    const std::string& db, const std::string& scratch) {
  if (scratch.empty()) {
    return OpenStoppedDatabase(db,
                               "stop it, or pass its ingest address as "
                               "--server to delete through it");
  }
  return OpenSecondaryOf(db, scratch);
}

// Counts, or with --apply deletes, through `ingest` when given, else
// through `store` itself.
absl::StatusOr<batch::PruneSummary> Prune(const PruneFlags& f,
                                          const ShardSlice& slice,
                                          storage::Store& store,
                                          IngestSink* ingest) {
  batch::DeleteAuthorsFn deleter;
  if (f.apply && ingest != nullptr) {
    deleter = [ingest](absl::Span<const storage::AuthorId> authors) {
      return ingest->DeleteAuthors(authors);
    };
  } else if (f.apply) {
    deleter = batch::DeleteFromStore(store);
  }
  batch::TerminalProgress bar(f.apply ? "deleting authors" : "counting posts");
  RR_ASSIGN_OR_RETURN(batch::PruneSummary summary,
                      batch::PruneShard(store, slice, deleter,
                                        [&bar](int64_t done, int64_t total) {
                                          bar.Update(done, total);
                                        }));
  if (ingest == nullptr) RR_RETURN_IF_ERROR(store.Flush());
  return summary;
}

absl::Status RunPrune(const PruneFlags& f) {
  RR_ASSIGN_OR_RETURN(ShardSlice slice, ParseShardSlice(f.shard));
  std::unique_ptr<IngestSink> ingest;
  if (!f.server.empty()) {
    RR_ASSIGN_OR_RETURN(auto credentials,
                        services::MakeChannelCredentials(f.security));
    ingest = std::make_unique<IngestSink>(
        grpc::CreateChannel(f.server, credentials),
        absl::Seconds(f.deadline_s));
  }
  RR_ASSIGN_OR_RETURN(const auto scratch, ScratchDirectory::Create("prune"));
  RR_ASSIGN_OR_RETURN(
      auto store,
      OpenForDeletion(f.db, f.server.empty() ? "" : scratch->path()));
  RR_ASSIGN_OR_RETURN(batch::PruneSummary summary,
                      Prune(f, slice, *store, ingest.get()));
  std::cerr << absl::StrFormat(
      "reachrank admin prune: shard %s: %s %d authors of other shards (%d "
      "posts); %d authors stay%s\n",
      f.shard, f.apply ? "deleted" : "would delete", summary.authors,
      summary.posts, summary.kept,
      f.apply || summary.authors == 0 ? "" : "; --apply deletes them");
  return absl::OkStatus();
}

void AddPruneCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<PruneFlags>();
  CLI::App* cmd = admin.add_subcommand(
      "prune",
      "Delete from a shard's database the authors shard I of N does not own "
      "(after they moved to a new shard): their posts, counters and "
      "records. Without --apply, only counts them");
  cmd->add_option("--db", flags->db,
                  "Database directory: stopped, or with --server the running "
                  "service's (read through a secondary instance)")
      ->capture_default_str();
  cmd->add_option("--shard", flags->shard,
                  "I/N: keep the authors shard I of N owns")
      ->required();
  cmd->add_flag("--apply", flags->apply,
                "Delete (without it: print what would be deleted)");
  cmd->add_option("--server", flags->server,
                  "Delete through the ingest service at host:port that runs "
                  "on --db (DeleteAuthors, admin scope) instead of writing "
                  "the stopped database")
      ->check(services::ServerAddress());
  services::AddClientSecurityFlags(*cmd, flags->security, "",
                                   "the --server ingest service");
  cmd->add_option("--deadline-s", flags->deadline_s,
                  "per-call deadline with --server")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  commands.Add(cmd, [flags] { return UsageExitCode(RunPrune(*flags)); });
}

struct DeleteAuthorFlags {
  std::string db;
  std::string server;
  services::ClientTlsOptions security;  // of --server
  int deadline_s = 60;
  std::string platform;
  std::string author_id;
};

// One author's data, deleted through a running ingest service (--server)
// or straight from a stopped database (--db).
absl::Status RunDeleteAuthor(const DeleteAuthorFlags& f) {
  if (f.db.empty() == f.server.empty()) {
    return absl::InvalidArgumentError(
        "--server or --db: give exactly one (the running ingest service, or "
        "a stopped database)");
  }
  RR_RETURN_IF_ERROR(CheckAuthor(f.platform, f.author_id));
  const storage::AuthorId author{f.platform, f.author_id};
  int64_t posts = 0;
  if (!f.server.empty()) {
    RR_ASSIGN_OR_RETURN(auto credentials,
                        services::MakeChannelCredentials(f.security));
    IngestSink ingest(grpc::CreateChannel(f.server, credentials),
                      absl::Seconds(f.deadline_s));
    RR_ASSIGN_OR_RETURN(posts, ingest.DeleteAuthors({author}));
  } else {
    RR_ASSIGN_OR_RETURN(auto store, OpenForDeletion(f.db, ""));
    RR_ASSIGN_OR_RETURN(posts, store->DeleteAuthor(author));
    RR_RETURN_IF_ERROR(store->Flush());
  }
  // Deletion does not tell whether anything of the author was stored.
  std::cerr << (posts > 0 ? absl::StrFormat("reachrank admin delete-author: "
                                            "%s/%s: deleted, with %d posts\n",
                                            f.platform, f.author_id, posts)
                          : absl::StrFormat(
                                "reachrank admin delete-author: %s/%s: no "
                                "posts stored; its record and counters, if "
                                "any, deleted\n",
                                f.platform, f.author_id));
  return absl::OkStatus();
}

void AddDeleteAuthorCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<DeleteAuthorFlags>();
  CLI::App* cmd = admin.add_subcommand(
      "delete-author",
      "Delete everything stored of one author (record, counters, posts): "
      "through the running ingest service (--server; DeleteAuthors, admin "
      "scope) or from a stopped database (--db)");
  cmd->add_option("--server", flags->server, "Ingest service host:port")
      ->check(services::ServerAddress());
  services::AddClientSecurityFlags(*cmd, flags->security, "",
                                   "the --server ingest service");
  cmd->add_option("--deadline-s", flags->deadline_s, "per-call deadline")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--db", flags->db, "Stopped database directory");
  cmd->add_option("platform", flags->platform, "Platform id")->required();
  cmd->add_option("author_id", flags->author_id, "Author id on it")
      ->required();
  commands.Add(cmd,
               [flags] { return UsageExitCode(RunDeleteAuthor(*flags)); });
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
  AddExportHistoryCommand(*admin, commands);
  AddPruneCommand(*admin, commands);
  AddDeleteAuthorCommand(*admin, commands);
  AddReclassifyCommand(*admin, commands);
  AddCheckCommand(*admin, commands);
}

}  // namespace reachrank::cli
