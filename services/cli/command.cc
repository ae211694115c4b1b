#include "services/cli/command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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

int UsageExitCode(const absl::Status& status) {
  const int code = ExitCode(status);
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : code;
}

absl::Status CheckShardList(const std::string& flag,
                            const std::vector<std::string>& values) {
  std::set<std::string> seen;
  for (const std::string& value : values) {
    if (value.empty()) return absl::InvalidArgumentError(flag + ": empty");
    if (!seen.insert(value).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": ", value, " is given twice (each names one shard)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNotInDatabase(const std::string& flag,
                                const std::string& output,
                                const std::vector<std::string>& dbs) {
  if (output == "-") return absl::OkStatus();
  std::error_code error;
  const std::filesystem::path dir =
      std::filesystem::weakly_canonical(output, error).parent_path();
  if (error) return absl::OkStatus();  // the write reports the problem
  for (const std::string& db : dbs) {
    const std::filesystem::path db_dir =
        std::filesystem::weakly_canonical(db, error);
    if (error || db_dir != dir) continue;
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", output, " is in the database directory ", db,
                     ", beside the database's own files; write it elsewhere"));
  }
  return absl::OkStatus();
}

bool HeldByAService(const absl::Status& open) {
  // RocksDB's own words for a LOCK file another process holds; the bare
  // word "lock" is also in paths ("/mnt/blockstore").
  return !open.ok() && absl::StrContains(open.message(), "While lock file: ");
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenWritable(
    storage::StoreOptions options, absl::string_view who) {
  std::optional<PostsProgress> bar;  // drawn once an upgrade reads posts
  int64_t read = 0;
  options.upgrade_progress = [&bar, &read, who](int64_t posts) {
    if (!bar.has_value()) bar.emplace(absl::StrCat(who, ": upgrading"));
    bar->Update(read = posts);
  };
  auto store = storage::Store::Open(options);
  if (bar.has_value()) bar->Finish(read);
  if (store.ok() && !(*store)->open_note().empty()) {
    std::cerr << who << ": " << (*store)->open_note() << "\n";
  }
  return store;
}

absl::Status NameDbFlag(const absl::Status& open) {
  if (!absl::IsNotFound(open)) return open;
  return absl::NotFoundError(absl::StrCat("--db: ", open.message()));
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenSecondaryOf(
    const std::string& db, const std::string& scratch) {
  storage::StoreOptions options;
  options.path = db;
  auto store = storage::Store::OpenSecondary(options, scratch);
  if (!store.ok()) return NameDbFlag(store.status());
  return store;
}

PostsProgress::PostsProgress(std::string label) {
  if (isatty(fileno(stderr))) {
    bar_.emplace(std::cerr, std::move(label), "posts", std::nullopt, 0);
  }
}

void PostsProgress::Update(int64_t posts) {
  if (bar_.has_value()) bar_->Update(posts);
}

void PostsProgress::Finish(int64_t posts) {
  if (bar_.has_value()) bar_->Finish(posts);
}

absl::StatusOr<std::unique_ptr<storage::Store>> OpenStoppedDatabase(
    const std::string& db, absl::string_view remedy) {
  storage::StoreOptions options;
  options.path = db;
  options.create_if_missing = false;
  auto store = OpenWritable(options, "reachrank");
  if (HeldByAService(store.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("--db: ", db, " is open in a running service: ", remedy,
                     " (", store.status().message(), ")"));
  }
  if (!store.ok()) return NameDbFlag(store.status());
  return store;
}

std::string BesideBinary(const std::string& relative) {
  std::error_code error;
  const std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return relative;
  return (exe.parent_path().parent_path() / relative).string();
}

std::string DefaultSib200Dir() { return BesideBinary("data/sib200"); }

int ParseCommandLine(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::ParseError& e) {
    // Help and version requests are successes; any other error is a usage
    // error, reported by CLI11 and exiting with 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
}

}  // namespace reachrank::cli
