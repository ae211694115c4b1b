// `reachrank admin check`: reads a database (live through a secondary
// instance, or stopped) and checks every derived row against what it is
// derived from (Store::CheckConsistency). Exit 0 when consistent, 1 when
// not, 2 on bad flags.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/scratch_dir.h"
#include "base/status_macros.h"
#include "services/cli/command.h"
#include "storage/store.h"

namespace reachrank::cli {
namespace {

struct CheckFlags {
  std::string db = "./reachrank-data";
};

std::string Findings(const storage::ConsistencyReport& r) {
  if (r.consistent()) return "consistent";
  return absl::StrFormat(
      "INCONSISTENT: %d posts' totals differ from their hours, %d pending "
      "marks wrong, %d author index entries wrong, %d author rows and %d "
      "topic rows differ from their posts",
      r.totals_differ, r.pending_wrong, r.index_wrong, r.author_rows_differ,
      r.topic_rows_short);
}

// Topic rows that were not compared, or that hold more than their posts.
std::string TopicNote(const storage::ConsistencyReport& r) {
  if (r.schema_version < storage::kSchemaVersion) {
    return absl::StrFormat(
        "; topic rows not compared: schema version %d counts engagement "
        "differently (a primary's open upgrades it)",
        r.schema_version);
  }
  if (r.topic_rows_over == 0) return "";
  return absl::StrFormat(
      "; %d topic rows hold more than their posts: the share of authors "
      "deleted since, which deletion leaves in place",
      r.topic_rows_over);
}

absl::StatusOr<int> RunCheck(const CheckFlags& f) {
  RR_ASSIGN_OR_RETURN(const auto scratch, ScratchDirectory::Create("check"));
  RR_ASSIGN_OR_RETURN(auto store, OpenSecondaryOf(f.db, scratch->path()));
  PostsProgress bar("reachrank admin check");
  RR_ASSIGN_OR_RETURN(
      storage::ConsistencyReport report,
      store->CheckConsistency([&bar](int64_t posts) { bar.Update(posts); }));
  bar.Finish(report.posts);
  for (const std::string& example : report.examples) {
    std::cerr << "  " << example << "\n";
  }
  std::cerr << absl::StrFormat(
      "reachrank admin check: %s: %d posts, %d hourly rows, %d author rows, "
      "%d topic rows: %s%s\n",
      f.db, report.posts, report.hour_rows, report.author_rows,
      report.topic_rows, Findings(report), TopicNote(report));
  return report.consistent() ? 0 : 1;
}

}  // namespace

void AddCheckCommand(CLI::App& admin, CommandSet& commands) {
  auto flags = std::make_shared<CheckFlags>();
  CLI::App* cmd = admin.add_subcommand(
      "check",
      "Check a database (live or stopped): post totals against their hourly "
      "counters, the pending set and the author index against the posts, "
      "author and topic day rows against their posts' supply and "
      "engagement; exit 1 when something differs");
  cmd->add_option("--db", flags->db, "Database directory")
      ->capture_default_str();
  commands.Add(cmd, [flags] {
    absl::StatusOr<int> code = RunCheck(*flags);
    return code.ok() ? *code : ExitCode(code.status());
  });
}

}  // namespace reachrank::cli
