// Runs the real `reachrank import`, `reachrank score` (local, and remote
// against a real `reachrank serve`) and checks their exit codes and files.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/shard.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "services/batch/batch_testing.h"
#include "services/common/test_support.h"

namespace reachrank::batch {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class BatchCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = reachrank::testing::MakeTempDir("batch-cli");
    ASSERT_TRUE(dir.ok());
    dir_ = new std::string(*dir);
    auto data = testing::Simulate(HistoryOptions());
    ASSERT_TRUE(data.ok()) << data.status();
    Write("history.jsonl",
          absl::StrJoin(testing::ImportLines(*data), "\n") + "\n");
    Write("drafts.jsonl", testing::DraftsJsonl(testing::DraftsFromPosts(
                              data->posts, 300)));
    Write("modes.jsonl", ModesDrafts(data->posts));
    // The import carries no author records: `train` is told the accounts.
    std::string authors;
    for (const v1::Author& a : data->authors) {
      absl::StrAppend(&authors, a.platform(), " ", a.author_id(), "\n");
    }
    Write("authors.txt", authors);
  }
  // The simulated history of every test: `reachrank simulate --seed 9
  // --people 40 --days 30` gives the same.
  static sim::SimOptions HistoryOptions() {
    sim::SimOptions options;
    options.seed = 9;
    options.people = 40;
    options.days = 30;
    return options;
  }
  // kModesDrafts lines: the simulated posts as drafts planned when they
  // were posted (cycled, ids d0, d1...), except two bad lines: broken JSON
  // at kBrokenLine and a too-long text at kLongLine (1-based).
  static std::string ModesDrafts(const std::vector<v1::Post>& posts) {
    std::vector<v1::Draft> all = testing::DraftsFromPosts(posts, posts.size());
    std::vector<v1::Draft> drafts;
    for (size_t i = 0; i < kModesDrafts; ++i) {
      v1::Draft& d = drafts.emplace_back(all[i % all.size()]);
      d.set_draft_id(absl::StrCat("d", i));
      *d.mutable_planned_at() = posts[i % all.size()].created_at();
    }
    drafts[kLongLine - 1].set_text(std::string(20000, 'x'));
    std::vector<std::string> lines =
        absl::StrSplit(testing::DraftsJsonl(drafts), '\n', absl::SkipEmpty());
    lines[kBrokenLine - 1] = "{\"draft_id\": \"broken\"";
    return absl::StrJoin(lines, "\n") + "\n";
  }
  static constexpr size_t kModesDrafts = 2000;
  static constexpr size_t kBrokenLine = 7;
  static constexpr size_t kLongLine = 1500;
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete moved_;
    moved_ = nullptr;
  }
  static std::string Path(const std::string& name) {
    return *dir_ + "/" + name;
  }
  static void Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
  }
  static std::string Read(const std::string& name) {
    std::ifstream in(Path(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // Runs the CLI to completion; its exit code, or -1.
  static int Run(const std::vector<std::string>& args) {
    auto child = reachrank::testing::ChildProcess::Spawn(
        REACHRANK_CLI_BINARY, args, Path("cli.log"));
    if (!child.ok()) return -1;
    auto status = (*child)->Wait(absl::Minutes(3));
    if (!status.ok() || !WIFEXITED(*status)) return -1;
    return WEXITSTATUS(*status);
  }
  // Runs the CLI through /bin/sh with standard input closed (`<&-`),
  // logging to cli.log; its exit code, or -1.
  static int RunWithStdinClosed(const std::vector<std::string>& args) {
    auto quote = [](const std::string& arg) {
      return "'" + absl::StrReplaceAll(arg, {{"'", "'\\''"}}) + "'";
    };
    std::string command = quote(REACHRANK_CLI_BINARY);
    for (const std::string& arg : args) command += " " + quote(arg);
    command += " <&- >" + quote(Path("cli.log")) + " 2>&1";
    const int status = std::system(command.c_str());
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // `reachrank serve` over `db` with the model set `models` (empty: the
  // priors) and `extra` flags on free loopback ports, logging to `log`; its
  // address, or an error after three attempts.
  static absl::StatusOr<std::unique_ptr<reachrank::testing::ChildProcess>>
  StartServe(const std::string& db, const std::string& models,
             std::string* address, const std::string& log = "serve.log",
             const std::vector<std::string>& extra = {}) {
    absl::Status last;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto port = reachrank::testing::PickFreePort();
      auto metrics_port = reachrank::testing::PickFreePort();
      if (!port.ok()) return port.status();
      if (!metrics_port.ok()) return metrics_port.status();
      *address = reachrank::testing::Loopback(*port);
      std::vector<std::string> args = {
          "serve", "--data", db, "--listen", *address, "--metrics-listen",
          reachrank::testing::Loopback(*metrics_port), "--insecure"};
      if (!models.empty()) {
        args.insert(args.end(), {"--rank-model", models});
      }
      args.insert(args.end(), extra.begin(), extra.end());
      auto child = reachrank::testing::ChildProcess::Spawn(
          REACHRANK_CLI_BINARY, args, Path(log));
      if (!child.ok()) return child.status();
      last = reachrank::testing::WaitForServing(*address, absl::Seconds(60),
                                                "reachrank.v1.RankingService");
      if (last.ok()) return child;
    }
    return last;
  }
  // Two shard databases, filled-0 and filled-1, holding the simulated
  // history (HistoryOptions) routed by author through two `reachrank serve
  // --shard i/2`; filled once per test binary.
  static void FillShards() {
    static bool filled = false;
    if (filled) return;
    std::string address[2];
    std::unique_ptr<reachrank::testing::ChildProcess> serve[2];
    for (int i = 0; i < 2; ++i) {
      auto started =
          StartServe(Path(absl::StrCat("filled-", i)), "", &address[i],
                     absl::StrCat("filled-", i, ".log"),
                     {"--shard", absl::StrCat(i, "/2")});
      ASSERT_TRUE(started.ok()) << started.status();
      serve[i] = *std::move(started);
    }
    ASSERT_EQ(Run({"simulate", "--server",
                   absl::StrCat(address[0], ",", address[1]), "--seed", "9",
                   "--people", "40", "--days", "30"}),
              0)
        << Read("cli.log");
    for (auto& s : serve) Stop(*s);
    filled = true;
  }
  // The authors of a third shard (shard 2 of 3) moved out of both filled
  // shards into a new database, shard-2 (export-history of each, imported
  // there); moved_[i] is the posts that left filled-i. Once per binary.
  static void MoveToAThirdShard() {
    ASSERT_NO_FATAL_FAILURE(FillShards());
    if (moved_ != nullptr) return;
    auto moved = std::make_unique<std::array<size_t, 2>>();
    for (int i = 0; i < 2; ++i) {
      const std::string out = absl::StrCat("moving-", i, ".jsonl");
      const std::string authors = absl::StrCat("moving-authors-", i, ".jsonl");
      ASSERT_EQ(Run({"admin", "export-history", "--db",
                     Path(absl::StrCat("filled-", i)), "--shard", "2/3",
                     "--out", Path(out), "--authors-out", Path(authors)}),
                0)
          << Read("cli.log");
      const std::vector<std::string> lines =
          absl::StrSplit(Read(out), '\n', absl::SkipEmpty());
      ASSERT_EQ(Run({"import", Path(out), "--db", Path("shard-2"), "--shard",
                     "2/3", "--authors", Path(authors)}),
                0)
          << Read("cli.log");
      ASSERT_THAT(Read("cli.log"),
                  HasSubstr(absl::StrCat("import: ", lines.size(), " lines: ",
                                         lines.size(), " posts new")));
      (*moved)[i] = lines.size();
    }
    moved_ = moved.release();
  }
  // The rows of the CSV `name` (header dropped), sorted.
  static std::vector<std::string> SortedRows(const std::string& name) {
    std::vector<std::string> out =
        absl::StrSplit(Read(name), '\n', absl::SkipEmpty());
    if (!out.empty()) out.erase(out.begin());
    std::sort(out.begin(), out.end());
    return out;
  }
  // Stops a `reachrank serve` by SIGTERM; expects a clean exit.
  static void Stop(reachrank::testing::ChildProcess& serve) {
    ASSERT_TRUE(serve.Signal(SIGTERM).ok());
    auto stopped = serve.Wait(absl::Seconds(30));
    ASSERT_TRUE(stopped.ok()) << stopped.status();
    EXPECT_TRUE(WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0);
  }
  static std::string* dir_;
  static std::array<size_t, 2>* moved_;
};

std::string* BatchCliTest::dir_ = nullptr;
std::array<size_t, 2>* BatchCliTest::moved_ = nullptr;

TEST_F(BatchCliTest, ImportThenScoreWithExitCodes) {
  const std::string db = Path("db");
  // A missing input or authors file: exit 1, and no database created.
  EXPECT_EQ(Run({"import", Path("no-such.jsonl"), "--db", db}), 1);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("cannot read " + Path("no-such.jsonl")));
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--authors",
                 Path("no-such-authors.jsonl"), "--db", db}),
            1);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("cannot read " + Path("no-such-authors.jsonl")));
  EXPECT_EQ(Run({"import", Path(""), "--db", db}), 1);  // a directory
  EXPECT_THAT(Read("cli.log"), HasSubstr("is a directory"));
  // A path with "lock" in it that cannot be a database is not taken for a
  // database another process holds.
  Write("blockfile", "not a directory\n");
  EXPECT_EQ(
      Run({"import", Path("history.jsonl"), "--db", Path("blockfile/db")}), 1);
  EXPECT_THAT(Read("cli.log"), Not(HasSubstr("open in another process")));
  EXPECT_THAT(Read("cli.log"), HasSubstr("blockfile/db"));
  // Standard input closed: an error, not an empty import.
  EXPECT_EQ(RunWithStdinClosed({"import", "-", "--db", db}), 1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("input -: standard input is closed"));
  EXPECT_FALSE(std::filesystem::exists(db));
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--db", db}), 0);
  // Idempotent: a second import counts nothing new.
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--db", db}), 0);
  EXPECT_THAT(Read("cli.log"), HasSubstr("events 0 counted"));

  ASSERT_EQ(Run({"score", Path("drafts.jsonl"), "--db", db, "-o",
                 Path("scores.jsonl"), "--threads", "2"}),
            0);
  std::vector<std::string> lines =
      absl::StrSplit(Read("scores.jsonl"), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 300u);
  EXPECT_THAT(Read("cli.log"), HasSubstr("score: 300 scored, 0 failed"));

  // A bad line: reported, the rest scored, exit 3.
  std::string drafts = Read("drafts.jsonl");
  drafts.insert(drafts.find('\n') + 1, "{\"draft_id\": \"broken\"\n");
  Write("bad.jsonl", drafts);
  ASSERT_EQ(Run({"score", Path("bad.jsonl"), "--db", db, "-o",
                 Path("bad.out"), "--format", "csv"}),
            3);
  const std::vector<std::string> rows =
      absl::StrSplit(Read("bad.out"), '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 302u);  // the header and 301 records
  // A score with every surface share, then the bad line's error record.
  EXPECT_THAT(rows[1], ::testing::ContainsRegex(
                           "^1,[^,]+,[0-9.e-]+,[0-9.e-]+(,[0-9.e-]+){6},"));
  EXPECT_THAT(rows[2],
              ::testing::StartsWith("2,,,,,,,,,,,,,,\"INVALID_ARGUMENT: not a "
                                    "Draft in JSON"));
  EXPECT_THAT(Read("cli.log"), HasSubstr("score: 300 scored, 1 failed"));
}

// The same drafts scored in-process over the database and through a real
// `reachrank serve` over it, with the same trained model set, give the same
// bytes, bad lines included.
TEST_F(BatchCliTest, RemoteAndLocalOutputsAreByteIdentical) {
  const std::string db = Path("modes-db"), models = Path("modes-models");
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--db", db}), 0);
  ASSERT_EQ(Run({"train", "--db", db, "--authors", Path("authors.txt"),
                 "--out", models, "--model-version", "modes-test", "--rounds",
                 "30", "--nthread", "1"}),
            0)
      << Read("cli.log");
  ASSERT_EQ(Run({"score", Path("modes.jsonl"), "--db", db, "--model", models,
                 "--explain", "--threads", "2", "-o", Path("local.jsonl")}),
            3)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr("score: 1998 scored, 2 failed"));
  {
    std::string address;
    auto serve = StartServe(db, models, &address);
    ASSERT_TRUE(serve.ok()) << serve.status() << "\n" << Read("serve.log");
    ASSERT_EQ(Run({"score", Path("modes.jsonl"), "--server", address,
                   "--explain", "-o", Path("remote.jsonl")}),
              3)
        << Read("cli.log");
    EXPECT_THAT(Read("cli.log"), HasSubstr("score: 1998 scored, 2 failed"));
    Stop(**serve);
  }
  const std::string local = Read("local.jsonl");
  const std::vector<std::string> lines =
      absl::StrSplit(local, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), kModesDrafts);
  EXPECT_TRUE(local == Read("remote.jsonl"));  // not printed: 2,000 lines
  const std::vector<std::string> remote_lines =
      absl::StrSplit(Read("remote.jsonl"), '\n', absl::SkipEmpty());
  for (size_t i = 0; i < lines.size() && i < remote_lines.size(); ++i) {
    ASSERT_EQ(lines[i], remote_lines[i]) << "first difference: line " << i + 1;
  }
  EXPECT_THAT(lines[kBrokenLine - 1],
              ::testing::StartsWith(absl::StrCat("{\"line\":", kBrokenLine,
                                                 ",")));
  EXPECT_THAT(lines[kBrokenLine - 1], HasSubstr("not a Draft in JSON"));
  EXPECT_THAT(lines[kLongLine - 1],
              ::testing::StartsWith(absl::StrCat("{\"line\":", kLongLine,
                                                 ",\"draft_id\":\"d1499\"")));
  EXPECT_THAT(lines[kLongLine - 1], HasSubstr("text: must be at most"));
  int scores_with_reasons = 0;
  for (const std::string& line : lines) {
    scores_with_reasons += absl::StartsWith(line, "{\"id\":\"d") &&
                           absl::StrContains(line, "\"reasons\":[{") &&
                           absl::StrContains(line, "modes-test");
  }
  EXPECT_EQ(scores_with_reasons, 1998);
}

// The drafts' score lines of a JSONL output by draft id.
std::map<std::string, std::string> ScoreLinesById(const std::string& jsonl) {
  std::map<std::string, std::string> out;
  for (absl::string_view line : absl::StrSplit(jsonl, '\n', absl::SkipEmpty())) {
    constexpr absl::string_view kPrefix = "{\"id\":\"";
    if (!absl::StartsWith(line, kPrefix)) continue;
    const size_t end = line.find('"', kPrefix.size());
    out[std::string(line.substr(kPrefix.size(), end - kPrefix.size()))] =
        std::string(line);
  }
  return out;
}

// Two shards, each a real `reachrank serve --shard i/2` over its own
// database. The history streamed by `simulate --server A,B` lands on the
// shard that owns each author (in the wrong order every author is refused),
// and `score --server A,B` scores each draft on its author's shard: the
// same line as scoring it against that shard alone, where the other shard
// refuses it naming the owner.
TEST_F(BatchCliTest, TwoShardsRouteEachAuthorToItsShard) {
  std::string address[2];
  std::unique_ptr<reachrank::testing::ChildProcess> serve[2];
  for (int i = 0; i < 2; ++i) {
    auto started = StartServe(Path(absl::StrCat("shard-", i)), "", &address[i],
                              absl::StrCat("serve-", i, ".log"),
                              {"--shard", absl::StrCat(i, "/2")});
    ASSERT_TRUE(started.ok()) << started.status();
    serve[i] = *std::move(started);
  }
  const std::string both = absl::StrCat(address[0], ",", address[1]);
  ASSERT_EQ(Run({"simulate", "--server", absl::StrCat(address[1], ",",
                                                      address[0]),
                 "--seed", "9", "--people", "40", "--days", "30"}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("author_id: owned by shard"));
  ASSERT_EQ(Run({"simulate", "--server", both, "--seed", "9", "--people", "40",
                 "--days", "30"}),
            0)
      << Read("cli.log");

  auto data = testing::Simulate(HistoryOptions());
  ASSERT_TRUE(data.ok()) << data.status();
  std::unique_ptr<v1::IngestService::Stub> stubs[2];
  for (int i = 0; i < 2; ++i) {
    stubs[i] = v1::IngestService::NewStub(grpc::CreateChannel(
        address[i], grpc::InsecureChannelCredentials()));
  }
  int owned[2] = {0, 0};
  for (size_t p = 0; p < data->posts.size() && p < 200; ++p) {
    const v1::Post& post = data->posts[p];
    const int owner = ShardOf(post.platform(), post.author_id(), 2);
    ++owned[owner];
    for (int i = 0; i < 2; ++i) {
      grpc::ClientContext context;
      v1::GetPostStatsRequest request;
      request.set_post_id(post.post_id());
      v1::GetPostStatsResponse response;
      const grpc::Status s = stubs[i]->GetPostStats(&context, request, &response);
      EXPECT_EQ(s.error_code(),
                i == owner ? grpc::StatusCode::OK : grpc::StatusCode::NOT_FOUND)
          << post.post_id() << " on shard " << i << ": " << s.error_message();
    }
  }
  EXPECT_GT(owned[0], 0);
  EXPECT_GT(owned[1], 0);

  // Drafts planned when the posts were posted, so the authors' histories
  // count; split by owner for the one-shard runs.
  std::vector<v1::Draft> drafts = testing::DraftsFromPosts(data->posts, 300);
  std::vector<v1::Draft> parts[2];
  for (size_t i = 0; i < drafts.size(); ++i) {
    *drafts[i].mutable_planned_at() = data->posts[i].created_at();
    parts[ShardOf(drafts[i].platform(), drafts[i].author_id(), 2)].push_back(
        drafts[i]);
  }
  Write("shard-drafts.jsonl", testing::DraftsJsonl(drafts));
  // --server repeated this time, and before the input (which it must not
  // take for an address).
  ASSERT_EQ(Run({"score", "--server", address[0], "--server", address[1],
                 Path("shard-drafts.jsonl"), "--explain", "-o",
                 Path("sharded.jsonl")}),
            0)
      << Read("cli.log");
  ASSERT_EQ(Run({"score", "--server", address[0], Path("shard-drafts.jsonl"),
                 "--explain", "-o", Path("one-server.jsonl")}),
            3)
      << Read("cli.log");
  std::map<std::string, std::string> alone;
  for (int i = 0; i < 2; ++i) {
    const std::string in = absl::StrCat("part-", i, ".jsonl");
    const std::string out = absl::StrCat("part-", i, ".out");
    Write(in, testing::DraftsJsonl(parts[i]));
    ASSERT_EQ(Run({"score", Path(in), "--server", address[i], "--explain",
                   "-o", Path(out)}),
              0)
        << Read("cli.log");
    alone.merge(ScoreLinesById(Read(out)));
  }
  for (auto& s : serve) Stop(*s);

  const std::map<std::string, std::string> sharded =
      ScoreLinesById(Read("sharded.jsonl"));
  ASSERT_EQ(sharded.size(), drafts.size());
  // Not EXPECT_EQ on the maps: 300 long lines.
  for (const auto& [id, line] : sharded) {
    ASSERT_EQ(alone.count(id), 1u) << id;
    ASSERT_TRUE(line == alone.at(id)) << "first difference: " << id;
  }
  // On shard 0 alone: its own drafts as before, shard 1's refused.
  const std::vector<std::string> one_server =
      absl::StrSplit(Read("one-server.jsonl"), '\n', absl::SkipEmpty());
  ASSERT_EQ(one_server.size(), drafts.size());
  size_t refused = 0;
  for (size_t i = 0; i < drafts.size(); ++i) {
    const std::string& id = drafts[i].draft_id();
    if (ShardOf(drafts[i].platform(), drafts[i].author_id(), 2) == 0) {
      EXPECT_EQ(one_server[i], sharded.at(id));
      continue;
    }
    EXPECT_THAT(one_server[i], HasSubstr("owned by shard 1 of 2")) << id;
    ++refused;
  }
  EXPECT_EQ(refused, parts[1].size());
}

// Training rows of both shards at once are the rows of each, merged; a
// model set trains on them.
TEST_F(BatchCliTest, TrainingReadsEveryShard) {
  ASSERT_NO_FATAL_FAILURE(FillShards());
  const std::string s0 = Path("filled-0"), s1 = Path("filled-1");
  std::vector<std::string> rows[3];
  const std::vector<std::string> dbs = {s0, s1, s0 + "," + s1};
  for (int i = 0; i < 3; ++i) {
    const std::string out = Path(absl::StrCat("rows-", i, ".csv"));
    ASSERT_EQ(Run({"export", "--db", dbs[i], "--cutoff", "2026-03-01",
                   "--out", out}),
              0)
        << Read("cli.log");
    rows[i] = absl::StrSplit(Read(absl::StrCat("rows-", i, ".csv")), '\n',
                             absl::SkipEmpty());
    ASSERT_GT(rows[i].size(), 1u);
    rows[i].erase(rows[i].begin());  // the header
  }
  std::vector<std::string> each = rows[0];
  each.insert(each.end(), rows[1].begin(), rows[1].end());
  std::sort(each.begin(), each.end());
  std::sort(rows[2].begin(), rows[2].end());
  EXPECT_EQ(rows[2].size(), each.size());
  EXPECT_TRUE(rows[2] == each);  // not printed: thousands of rows
  ASSERT_EQ(Run({"train", "--db", dbs[2], "--cutoff", "2026-03-01", "--out",
                 Path("both-models"), "--rounds", "20", "--nthread", "1"}),
            0)
      << Read("cli.log");
  EXPECT_EQ(Run({"export", "--db", s0, "--db", s0, "--out", Path("x.csv")}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("is given twice"));
}

// Authors move to a new shard through export-history and import, from the
// databases themselves: what moves is exactly the new shard's share, and a
// whole database copied this way gives byte-identical training rows.
TEST_F(BatchCliTest, AuthorsMoveToANewShard) {
  ASSERT_NO_FATAL_FAILURE(MoveToAThirdShard());
  auto data = testing::Simulate(HistoryOptions());
  ASSERT_TRUE(data.ok()) << data.status();
  size_t moving = 0;
  for (const v1::Post& p : data->posts) {
    moving += ShardOf(p.platform(), p.author_id(), 3) == 2;
  }
  ASSERT_GT(moving, 0u);
  EXPECT_EQ((*moved_)[0] + (*moved_)[1], moving);

  // All of shard 0 (slice 0/1), exported and imported into a new database,
  // gives byte-identical training rows: nothing a feature reads is lost.
  const std::string s0 = Path("filled-0");
  ASSERT_EQ(Run({"admin", "export-history", "--db", s0, "--shard", "0/1",
                 "--out", Path("all-0.jsonl"), "--authors-out",
                 Path("all-0-authors.jsonl")}),
            0)
      << Read("cli.log");
  ASSERT_EQ(Run({"import", Path("all-0.jsonl"), "--authors",
                 Path("all-0-authors.jsonl"), "--db", Path("copy-0")}),
            0)
      << Read("cli.log");
  for (const std::string& db : {s0, Path("copy-0")}) {
    ASSERT_EQ(Run({"export", "--db", db, "--cutoff", "2026-03-01", "--out",
                   db + ".rows.csv"}),
              0)
        << Read("cli.log");
  }
  const std::string original = Read("filled-0.rows.csv");
  EXPECT_GT(std::count(original.begin(), original.end(), '\n'), 100);
  EXPECT_TRUE(original == Read("copy-0.rows.csv"));
}

// After the move the old shards still hold the moved authors, so training
// over all three shards refuses; `admin prune` (a dry run, then --apply)
// removes exactly the moved posts from copies of the old shards, the posts
// that stay keep byte-identical training rows, and training reads all three.
TEST_F(BatchCliTest, OldShardsShedTheMovedAuthors) {
  ASSERT_NO_FATAL_FAILURE(MoveToAThirdShard());
  const std::string shard2 = Path("shard-2");
  EXPECT_EQ(Run({"export", "--db",
                 absl::StrCat(Path("filled-0"), ",", Path("filled-1"), ",",
                              shard2),
                 "--cutoff", "2026-03-01", "--out", Path("x.csv")}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("reachrank admin prune"));

  auto rows = SortedRows;
  size_t before = 0, after = 0;
  for (int i = 0; i < 2; ++i) {
    const std::string old_db = Path(absl::StrCat("filled-", i));
    const std::string db = Path(absl::StrCat("pruned-", i));
    ASSERT_EQ(Run({"admin", "checkpoint", "--db", old_db, "--out", db}), 0)
        << Read("cli.log");
    const std::string what = absl::StrCat("shard ", i, "/3: ");
    ASSERT_EQ(Run({"admin", "prune", "--db", db, "--shard",
                   absl::StrCat(i, "/3")}),
              0)
        << Read("cli.log");
    EXPECT_THAT(Read("cli.log"),
                HasSubstr(absl::StrCat(what, "would delete ")));
    EXPECT_THAT(Read("cli.log"),
                HasSubstr(absl::StrCat("(", (*moved_)[i], " posts)")));
    ASSERT_EQ(Run({"admin", "prune", "--db", db, "--shard",
                   absl::StrCat(i, "/3"), "--apply"}),
              0)
        << Read("cli.log");
    EXPECT_THAT(Read("cli.log"), HasSubstr(absl::StrCat(what, "deleted ")));
    EXPECT_THAT(Read("cli.log"),
                HasSubstr(absl::StrCat("(", (*moved_)[i], " posts)")));
    for (const std::string& d : {old_db, db}) {
      ASSERT_EQ(Run({"export", "--db", d, "--cutoff", "2026-03-01", "--out",
                     d + ".draft.csv", "--draft"}),
                0)
          << Read("cli.log");
    }
    const std::vector<std::string> old_rows =
        rows(absl::StrCat("filled-", i, ".draft.csv"));
    const std::vector<std::string> new_rows =
        rows(absl::StrCat("pruned-", i, ".draft.csv"));
    EXPECT_LT(new_rows.size(), old_rows.size());
    EXPECT_TRUE(std::includes(old_rows.begin(), old_rows.end(),
                              new_rows.begin(), new_rows.end()));
    before += old_rows.size();
    after += new_rows.size();
  }
  ASSERT_EQ(Run({"export", "--db", shard2, "--cutoff", "2026-03-01", "--out",
                 Path("shard-2.draft.csv"), "--draft"}),
            0)
      << Read("cli.log");
  EXPECT_EQ(after + rows("shard-2.draft.csv").size(), before);
  ASSERT_EQ(Run({"export", "--db",
                 absl::StrCat(Path("pruned-0"), ",", Path("pruned-1"), ",",
                              shard2),
                 "--cutoff", "2026-03-01", "--out", Path("all-3.csv"),
                 "--draft"}),
            0)
      << Read("cli.log");
  EXPECT_EQ(rows("all-3.csv").size(), before);
}

// The same pruning and one account's deletion, once through a running
// shard's ingest service (DeleteAuthors) and once on a stopped copy, leave
// identical databases; the running one's database cannot be pruned behind
// its back.
TEST_F(BatchCliTest, PruneAndDeleteThroughARunningService) {
  ASSERT_NO_FATAL_FAILURE(MoveToAThirdShard());
  auto data = testing::Simulate(HistoryOptions());
  ASSERT_TRUE(data.ok()) << data.status();
  // An author who stays on shard 0 (of 2 and of 3), and its posts.
  std::string platform, author;
  int64_t posts = 0;
  for (const v1::Post& p : data->posts) {
    if (author.empty() && ShardOf(p.platform(), p.author_id(), 2) == 0 &&
        ShardOf(p.platform(), p.author_id(), 3) == 0) {
      platform = p.platform();
      author = p.author_id();
    }
    posts += p.platform() == platform && p.author_id() == author;
  }
  ASSERT_GT(posts, 0);
  const std::string stopped = Path("stopped-0"), live = Path("live-0");
  for (const std::string& copy : {stopped, live}) {
    ASSERT_EQ(Run({"admin", "checkpoint", "--db", Path("filled-0"), "--out",
                   copy}),
              0)
        << Read("cli.log");
  }
  const std::string moved = absl::StrCat("(", (*moved_)[0], " posts)");
  const std::string deleted =
      absl::StrCat("/", author, ": deleted, with ", posts, " posts");
  ASSERT_EQ(Run({"admin", "prune", "--db", stopped, "--shard", "0/3",
                 "--apply"}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr(moved));
  ASSERT_EQ(Run({"admin", "delete-author", "--db", stopped, platform, author}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr(deleted));
  // Again: nothing is left, and it does not claim a deletion.
  ASSERT_EQ(Run({"admin", "delete-author", "--db", stopped, platform, author}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"),
              HasSubstr(absl::StrCat("/", author,
                                     ": no posts stored; its "
                                     "record and counters, if any, deleted")));

  std::string address;
  auto serve = StartServe(live, "", &address, "live.log", {"--shard", "0/3"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  EXPECT_EQ(Run({"admin", "prune", "--db", live, "--shard", "0/3", "--apply"}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("is open in a running service"));
  // An import into it too: the lock named, not an INTERNAL error.
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--db", live}), 1);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("FAILED_PRECONDITION: --db: " + live +
                        " is open in another process: import through a "
                        "running ingest service with --server"));
  // What a backup before a live prune takes.
  ASSERT_EQ(Run({"admin", "checkpoint", "--db", live, "--out",
                 Path("live-0-before-prune")}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("(live, through a secondary instance)"));
  ASSERT_EQ(Run({"admin", "prune", "--db", live, "--server", address,
                 "--shard", "0/3"}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr("would delete "));
  EXPECT_THAT(Read("cli.log"), HasSubstr(moved));
  ASSERT_EQ(Run({"admin", "prune", "--db", live, "--server", address,
                 "--shard", "0/3", "--apply"}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr(moved));
  ASSERT_EQ(Run({"admin", "delete-author", "--server", address, platform,
                 author}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr(deleted));
  EXPECT_EQ(Run({"admin", "delete-author", "--server", address, platform,
                 ""}),
            2);
  EXPECT_THAT(Read("cli.log"), HasSubstr("author_id: "));
  ASSERT_NO_FATAL_FAILURE(Stop(**serve));

  for (const std::string& db : {stopped, live}) {
    ASSERT_EQ(Run({"export", "--db", db, "--cutoff", "2026-03-01", "--out",
                   db + ".csv", "--draft"}),
              0)
        << Read("cli.log");
  }
  const std::vector<std::string> a = SortedRows("stopped-0.csv");
  EXPECT_GT(a.size(), 100u);
  EXPECT_TRUE(a == SortedRows("live-0.csv"));  // not printed: long
}

// `import --server A,B` sends each author's lines to its shard's running
// ingest service: the shards end with the training rows an offline import
// of each shard's part gives; a re-run counts nothing new; one shard alone
// refuses the other's authors.
TEST_F(BatchCliTest, ImportThroughTheIngestServices) {
  std::string address[2];
  std::unique_ptr<reachrank::testing::ChildProcess> serve[2];
  for (int i = 0; i < 2; ++i) {
    auto started = StartServe(Path(absl::StrCat("served-", i)), "",
                              &address[i], absl::StrCat("served-", i, ".log"),
                              {"--shard", absl::StrCat(i, "/2")});
    ASSERT_TRUE(started.ok()) << started.status();
    serve[i] = *std::move(started);
  }
  const std::string both = absl::StrCat(address[0], ",", address[1]);
  const std::vector<std::string> lines =
      absl::StrSplit(Read("history.jsonl"), '\n', absl::SkipEmpty());
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--server", both}), 0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"),
              HasSubstr(absl::StrCat("import: ", lines.size(), " lines: ",
                                     lines.size(), " posts sent; events ")));
  EXPECT_THAT(Read("cli.log"), HasSubstr(" 0 duplicates"));
  ASSERT_EQ(Run({"import", Path("history.jsonl"), "--server", both}), 0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr("events 0 counted"));
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--server", address[0]}), 1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("owned by shard 1 of 2"));
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--server", both, "--db",
                 Path("x")}),
            2);
  for (auto& s : serve) Stop(*s);

  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Run({"import", Path("history.jsonl"), "--db",
                   Path(absl::StrCat("offline-", i)), "--shard",
                   absl::StrCat(i, "/2")}),
              0)
        << Read("cli.log");
  }
  for (const std::string name : {"served", "offline"}) {
    ASSERT_EQ(Run({"export", "--db",
                   absl::StrCat(Path(name + "-0"), ",", Path(name + "-1")),
                   "--authors", Path("authors.txt"), "--cutoff", "2026-03-01",
                   "--draft", "--out", Path(name + ".csv")}),
              0)
        << Read("cli.log");
  }
  std::vector<std::string> served =
      absl::StrSplit(Read("served.csv"), '\n', absl::SkipEmpty());
  std::vector<std::string> offline =
      absl::StrSplit(Read("offline.csv"), '\n', absl::SkipEmpty());
  std::sort(served.begin(), served.end());
  std::sort(offline.begin(), offline.end());
  EXPECT_GT(served.size(), 100u);
  EXPECT_EQ(served.size(), offline.size());
  EXPECT_TRUE(served == offline);  // not printed: hundreds of rows
}

// A count the ingest service refuses (more than its clock-skew rule before
// the post) is reported by its file and line, and the run goes on: the
// line's other count and the other lines are counted (a re-run finds them
// duplicates); `--db` has no such rule and counts all four.
TEST_F(BatchCliTest, ImportReportsCountsTheServiceRefusesByLine) {
  Write("early.jsonl", absl::StrJoin(testing::EarlyCountLines(), "\n") + "\n");
  std::string address;
  auto serve = StartServe(Path("early-served"), "", &address, "early.log");
  ASSERT_TRUE(serve.ok()) << serve.status();
  const std::string refused = absl::StrCat(
      "import: ", Path("early.jsonl"),
      ":2: post s2: 1 of the line's 2 events refused (the others counted): "
      "at: must not be more than 1h before its post's created_at");
  EXPECT_EQ(Run({"import", Path("early.jsonl"), "--server", address}), 3);
  EXPECT_THAT(Read("cli.log"), HasSubstr(refused));
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("3 lines: 3 posts sent; events 3 counted, 0 "
                        "duplicates; 1 lines rejected;"));
  EXPECT_EQ(Run({"import", Path("early.jsonl"), "--server", address}), 3);
  EXPECT_THAT(Read("cli.log"), HasSubstr(refused));
  EXPECT_THAT(Read("cli.log"), HasSubstr("events 0 counted, 3 duplicates"));
  Stop(**serve);
  EXPECT_EQ(Run({"import", Path("early.jsonl"), "--db", Path("early-db"),
                 "--no-classify"}),
            0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("events 4 counted, 0 duplicates; 0 lines rejected"));
}

// An output named among the database's own files is refused before
// anything is written, by every command that reads --db and writes a file;
// the database stays whole. `export-history --out -` writes standard
// output, and refuses it when it is closed.
TEST_F(BatchCliTest, OutputsNeverLandAmongTheDatabasesFiles) {
  Write("guarded.jsonl",
        absl::StrJoin(testing::EarlyCountLines(), "\n") + "\n");
  const std::string db = Path("guarded-db");
  ASSERT_EQ(Run({"import", Path("guarded.jsonl"), "--db", db, "--no-classify"}),
            0)
      << Read("cli.log");
  const std::string current = db + "/CURRENT";
  EXPECT_NE(
      Run({"export", "--db", db, "--cutoff", "2026-03-01", "--out", current}),
      0);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr(absl::StrCat("--out: ", current,
                                     " is in the database directory ", db)));
  EXPECT_EQ(Run({"admin", "export-history", "--db", db, "--shard", "0/1",
                 "--out", current}),
            2);
  EXPECT_THAT(Read("cli.log"), HasSubstr("is in the database directory"));
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--db", db, "-o", current}), 2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr(absl::StrCat("-o: ", current, " is in the database")));
  ASSERT_EQ(Run({"admin", "check", "--db", db}), 0) << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr("3 posts"));

  ASSERT_EQ(Run({"admin", "export-history", "--db", db, "--shard", "0/1",
                 "--out", "-"}),
            0);
  EXPECT_THAT(Read("cli.log"), HasSubstr("{\"post\":{\"postId\":\"s1\""));
  const std::string closed =
      absl::StrCat("'", REACHRANK_CLI_BINARY, "' admin export-history --db '",
                   db, "' --shard 0/1 --out - >&- 2>'", Path("cli.log"), "'");
  const int status = std::system(closed.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("--out: - is standard output, which is closed"));
}

// 560 posts of 16,000-byte texts (9 MB) in one batch of 1,000 passed the
// server's 8 MiB message limit: the batch goes in halves.
TEST_F(BatchCliTest, ImportOfLongTextsFitsTheMessageLimit) {
  std::string address;
  auto serve = StartServe(Path("long-texts"), "", &address, "long-texts.log");
  ASSERT_TRUE(serve.ok()) << serve.status();
  {
    std::ofstream out(Path("long.jsonl"));
    const std::string text(16000, 'a');
    for (int i = 0; i < 560; ++i) {
      out << R"({"post":{"post_id":"long-)" << i
          << R"(","platform":"tiktok","author_id":"a1",)"
          << R"("created_at":"2026-01-02T00:00:00Z",)"
          << R"("media_kind":"MEDIA_KIND_VIDEO","text":")" << text << "\"}}\n";
    }
  }
  ASSERT_EQ(Run({"import", Path("long.jsonl"), "--server", address}), 0)
      << Read("cli.log");
  EXPECT_THAT(Read("cli.log"), HasSubstr("import: 560 lines: 560 posts sent"));
  Stop(**serve);
}

// The documented routing table's last row (docs/operations.md "Routing").
TEST_F(BatchCliTest, AdminShardPrintsTheAuthorsShard) {
  ASSERT_EQ(Run({"admin", "shard", "--shards", "16", "wechat_channels",
                 "wx-zhangsan"}),
            0);
  // cli.log collects every run of the suite: its last line is this one's.
  const std::vector<std::string> log =
      absl::StrSplit(Read("cli.log"), '\n', absl::SkipEmpty());
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back(), "1");
  EXPECT_EQ(Run({"admin", "shard", "--shards", "0", "tiktok", "a"}), 2);
  // An id the services refuse owns no shard.
  EXPECT_EQ(
      Run({"admin", "shard", "--shards", "16", "wechat_channels", "张三"}), 2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("author_id: must be 1-128 printable ASCII bytes"));
}

TEST_F(BatchCliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--no-such-flag"}), 2);
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--format", "xml"}), 2);
  EXPECT_EQ(Run({"score"}), 2);
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--db", Path("db"),
                 "--resume", "-o", "-"}),
            2);
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--server", "127.0.0.1:1",
                 "--db", Path("db")}),
            2);
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--db", Path("never"),
                 "--shard", "2/2"}),
            2);
  EXPECT_THAT(Read("cli.log"), HasSubstr("expected I/N with 0 <= I < N"));
  EXPECT_FALSE(std::filesystem::exists(Path("never")));
  // Each address is one shard: the same one twice is a mistake.
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--server",
                 "127.0.0.1:1,127.0.0.1:2,127.0.0.1:1"}),
            2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("--server: 127.0.0.1:1 is given twice"));
  // A two-part move splits at the start of an hour.
  EXPECT_EQ(Run({"admin", "export-history", "--db", Path("never"), "--shard",
                 "0/1", "--out", Path("part.jsonl"), "--from",
                 "2026-03-01T10:30:00Z"}),
            2);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--from: must be the start of an hour"));
  EXPECT_EQ(Run({"admin", "export-history", "--db", Path("never"), "--shard",
                 "0/1", "--out", Path("part.jsonl"), "--from",
                 "2026-03-01T10:00:00Z", "--before", "2026-03-01T10:00:00Z"}),
            2);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--from: must be before --before"));
  EXPECT_EQ(
      Run({"admin", "export-history", "--db", Path("never"), "--shard", "0/1",
           "--out", Path("move.jsonl"), "--authors-out", Path("./move.jsonl")}),
      2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("is the file of --out; the posts and the authors "
                        "need a file each"));
  EXPECT_EQ(Run({"admin", "checkpoint", "--db", Path("never") + "/", "--out",
                 Path("never/backups/c1")}),
            2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("a checkpoint goes beside the database, not in it"));
  EXPECT_EQ(Run({"admin", "prune", "--db", Path("never"), "--shard", "0/1"}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("no database at"));
  EXPECT_FALSE(std::filesystem::exists(Path("never")));
  // A mistyped --db leaves an earlier export as it was.
  { std::ofstream(Path("earlier.jsonl")) << "an earlier export\n"; }
  EXPECT_EQ(Run({"admin", "export-history", "--db", Path("never"), "--shard",
                 "0/1", "--out", Path("earlier.jsonl")}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--db: no database at"));
  EXPECT_EQ(Read("earlier.jsonl"), "an earlier export\n");
  // Every command names the flag.
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--db", Path("never")}), 1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--db: no database at"));
  EXPECT_EQ(Run({"export", "--db", Path("never"), "--out", Path("x.csv")}), 1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--db: no database at"));
  // A mistyped --db makes no empty database to copy.
  EXPECT_EQ(Run({"admin", "checkpoint", "--db", Path("never"), "--out",
                 Path("never-copy")}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--db: no database at"));
  EXPECT_FALSE(std::filesystem::exists(Path("never")));
  EXPECT_FALSE(std::filesystem::exists(Path("never-copy")));
  // gRPC would take port 99999 modulo 65536: a port elsewhere.
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--server",
                 "127.0.0.1:1,127.0.0.1:99999"}),
            2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("'127.0.0.1:99999' needs HOST:PORT with a port of "
                        "1-65535"));
  // Without a port gRPC would call 443.
  EXPECT_EQ(Run({"score", Path("drafts.jsonl"), "--server", "localhost"}), 2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("'localhost' needs HOST:PORT with a port of 1-65535"));
  EXPECT_EQ(Run({"import", Path("history.jsonl"), "--server", "127.0.0.1:1",
                 "--deadline-s", "0"}),
            2);
  EXPECT_EQ(Run({"train", "--db", Path("never"), "--out", Path("never-models"),
                 "--validation-fraction", "1.5"}),
            2);
  EXPECT_THAT(Read("cli.log"),
              HasSubstr("must be 0 or more and less than 1, not 1.5"));
  EXPECT_EQ(Run({"demo", "--data", Path("never"), "--days", "20"}), 2);
  EXPECT_EQ(Run({"demo", "--data", Path("never"), "--days", "3000"}), 1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("and must end by now: at most "));
  EXPECT_EQ(Run({"simulate", "--data", Path("never"), "--start", "2999-01-01"}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("later than the ingest service "
                                         "accepts (now + 1 day)"));
  EXPECT_FALSE(std::filesystem::exists(Path("never")));
  // Labels of posts whose horizon ends after now are not known yet.
  EXPECT_EQ(Run({"export", "--db", Path("db"), "--draft", "--out",
                 Path("future.csv"), "--cutoff", "2999-01-01"}),
            1);
  EXPECT_THAT(Read("cli.log"), HasSubstr("--cutoff: 2999-01-01 is after now"));
}

}  // namespace
}  // namespace reachrank::batch
