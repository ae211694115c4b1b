// Runs the real `reachrank train --csv` binary on the bundled Online News
// Popularity table and checks what it prints and the directory it writes.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "ranking/feature_names.h"
#include "ranking/model/model.h"
#include "services/cli/cli_testing.h"
#include "services/cli/store_rows.h"
#include "storage/store.h"
#include "storage/test_util.h"

namespace reachrank::cli {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// The acceptance target for this table is a holdout AUC of 0.70, which the
// 14 columns of this copy do not reach (0.684 with the default trees; 0.692
// with the settings selected by time-ordered cross-validation,
// kSelectedFlags; see docs/model.md, "Training"). The tests guard the
// levels reached so that a regression shows; raise them to 0.70 once a
// model reaches that.
constexpr double kHoldoutAucFloor = 0.68;
constexpr double kSelectedHoldoutAucFloor = 0.69;
constexpr char kSelectedFlags[] =
    "--recency-half-life 0.2 --soft-labels 0.25 --colsample-bynode 0.5 "
    "--derive num_imgs/n_tokens_content --parallel-trees 4 --subsample 0.5";

using Result = testing::CommandResult;

// Runs the real `reachrank` with `args` (stderr captured too).
Result RunCli(const std::string& args) {
  return testing::RunShell(absl::StrCat("'", REACHRANK_CLI_BINARY, "' ", args));
}

// The number after "holdout AUC " in the output, or -1.
double PrintedAuc(const std::string& output) {
  const std::string key = "holdout AUC ";
  const size_t at = output.find(key);
  if (at == std::string::npos) return -1.0;
  const size_t start = at + key.size();
  double auc = -1.0;
  if (!absl::SimpleAtod(output.substr(start, output.find(' ', start) - start),
                        &auc)) {
    return -1.0;
  }
  return auc;
}

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/train_command_test_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// `reachrank train --csv` on the bundled table (label shares >= 1400) into
// a fresh directory `name`, with model version `version` and `flags`; the
// output, and the model it wrote (or why it cannot be loaded).
struct OnpRun {
  Result result;
  absl::StatusOr<std::unique_ptr<ranking::Model>> model;
};
OnpRun TrainOnp(const std::string& name, const std::string& version,
                const std::string& flags) {
  const std::string dir = FreshDir(name);
  OnpRun run;
  run.result = RunCli(absl::StrCat(
      "train --csv '", REACHRANK_ONP_CSV, "' --label shares --threshold 1400 ",
      "--model-version ", version, " --out '", dir, "' ", flags));
  run.model = ranking::Model::LoadAnyFeatures(dir);
  return run;
}

TEST(TrainCommandTest, OnlineNewsPopularityHoldoutAuc) {
  const OnpRun run = TrainOnp("onp", "onp-test", "");
  const Result& r = run.result;
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("holdout: 7929 rows"));
  ASSERT_TRUE(run.model.ok()) << run.model.status();
  const ranking::ModelMetadata& meta = (*run.model)->metadata();
  EXPECT_EQ(meta.model_version, "onp-test");
  EXPECT_EQ(meta.label.counter, "shares");
  EXPECT_EQ(meta.label.threshold, 1400.0);
  EXPECT_EQ(meta.feature_names.size(), 14u);
  EXPECT_THAT(meta.feature_names, Not(Contains("shares")));
  const double auc = meta.holdout_metrics.at("auc");
  EXPECT_GE(auc, kHoldoutAucFloor);
  EXPECT_NEAR(PrintedAuc(r.output), auc, 5e-5) << r.output;
  // DeLong's standard error on 7,929 rows at this AUC is about 0.006; the
  // printed interval is AUC -/+ 1.96 of it.
  const double se = meta.holdout_metrics.at("auc_standard_error");
  EXPECT_GT(se, 0.004);
  EXPECT_LT(se, 0.008);
  EXPECT_THAT(r.output,
              HasSubstr(absl::StrFormat("(95%% CI %.4f-%.4f)",
                                        auc - 1.959963984540054 * se,
                                        auc + 1.959963984540054 * se)));
  EXPECT_GT(meta.holdout_metrics.at("log_loss"), 0.0);
  EXPECT_LT(meta.holdout_metrics.at("expected_calibration_error"), 0.2);
}

TEST(TrainCommandTest, OnlineNewsPopularitySelectedSettingsHoldoutAuc) {
  const OnpRun run = TrainOnp("onp_selected", "onp-selected", kSelectedFlags);
  const Result& r = run.result;
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("holdout: 7929 rows"));
  ASSERT_TRUE(run.model.ok()) << run.model.status();
  const ranking::ModelMetadata& meta = (*run.model)->metadata();
  EXPECT_EQ(meta.feature_names.size(), 15u);
  EXPECT_EQ(meta.feature_names.back(), "num_imgs/n_tokens_content");
  EXPECT_THAT(meta.feature_names, Not(Contains("shares")));
  const double auc = meta.holdout_metrics.at("auc");
  EXPECT_GE(auc, kSelectedHoldoutAucFloor);
  EXPECT_NEAR(PrintedAuc(r.output), auc, 5e-5) << r.output;
}

// With a time column the outcome's horizon is known: rows whose outcome
// counts days of the holdout are left out, as `train --db` leaves them out.
TEST(TrainCommandTest, CsvTimesLeaveOutRowsWithinTheHorizonOfTheHoldout) {
  const std::string dir = FreshDir("csv_times");
  std::filesystem::create_directories(dir);
  std::string table = "time,x,outcome\n";
  for (int i = 0; i < 100; ++i) {  // one row a day; the holdout: days 80-99
    const int x = i * 37 % 100;
    absl::StrAppend(&table, 1700000000 + i * 86400, ",", x, ",",
                    x >= 50 ? 1 : 0, "\n");
  }
  { std::ofstream(dir + "/t.csv") << table; }
  const std::string train = absl::StrCat(
      "train --csv '", dir, "/t.csv' --label outcome --threshold 1 ",
      "--rounds 5 --out '", dir, "/m' ");
  Result r = RunCli(train + "--time-column time");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("fitted 74 rows"));  // days 74-79 out
  EXPECT_THAT(r.output, HasSubstr("6 rows left out"));
  r = RunCli(train + "--time-column time --horizon-days 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("fitted 78 rows"));
  r = RunCli(train);  // rows in file order, no times: nothing left out
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("fitted 80 rows"));

  // Nanoseconds are not seconds: refused, not wrapped.
  { std::ofstream(dir + "/t.csv") << table << "1700000000000000000,1,1\n"; }
  r = RunCli(train + "--time-column time");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output,
              HasSubstr("line 102: the time cell 1.7e+18 is not a time in "
                        "unix seconds (0 to 253402300799"));
}

TEST(TrainCommandTest, UnknownLabelColumnFailsWithItsName) {
  const Result r = RunCli(absl::StrCat("train --csv '", REACHRANK_ONP_CSV,
                                       "' --label likes --threshold 1 --out '",
                                       FreshDir("bad_label"), "'"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("label column 'likes' is not in the table"));
}

// A misspelt column is named before the rows are read: the bad cell on
// line 3 is never reached.
TEST(TrainCommandTest, AMisspeltColumnIsReportedBeforeABadCell) {
  const std::string dir = FreshDir("misspelt");
  std::filesystem::create_directories(dir);
  const std::string csv = dir + "/table.csv";
  std::ofstream(csv) << "views,shares\n10,2\n11,not-a-number\n";
  for (const auto& [flags, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"--label shres", "table.csv: label column 'shres' is not in"},
           {"--label shares --derive views/view",
            "table.csv: derived feature 'views/view': column 'view' is not"}}) {
    const Result r =
        RunCli(absl::StrCat("train --csv '", csv, "' ", flags,
                            " --threshold 1 --out '", dir, "/out'"));
    EXPECT_EQ(r.exit_code, 1) << flags;
    EXPECT_THAT(r.output, HasSubstr(message)) << flags;
    EXPECT_THAT(r.output, Not(HasSubstr("is not a number"))) << flags;
  }
}

TEST(TrainCommandTest, NoRowSourceIsAnError) {
  const Result r = RunCli(absl::StrCat("train --out '", FreshDir("none"), "'"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("--csv FILE or --db DIR"));
}

TEST(TrainCommandTest, BothRowSourcesIsAnError) {
  const Result r = RunCli(
      absl::StrCat("train --csv x.csv --db db --out '", FreshDir("both"), "'"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("--csv FILE or --db DIR"));
}

TEST(TrainCommandTest, MissingDatabaseFails) {
  const std::string dir = FreshDir("no_db");
  std::filesystem::create_directories(dir);
  const std::string authors = dir + "/authors.txt";
  FILE* f = fopen(authors.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("tiktok a1\n", f);
  fclose(f);
  const Result train =
      RunCli(absl::StrCat("train --db '", dir, "/missing' --authors '", authors,
                          "' --out '", dir, "/model'"));
  EXPECT_EQ(train.exit_code, 1) << train.output;
  const Result exported =
      RunCli(absl::StrCat("export --db '", dir, "/missing' --authors '",
                          authors, "' --out '", dir, "/rows.csv'"));
  EXPECT_EQ(exported.exit_code, 1) << exported.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/rows.csv"));
}

TEST(TrainCommandTest, ExportWithoutAuthorsFileReadsEveryAuthor) {
  const std::string dir = FreshDir("all_authors");
  {
    auto store =
        storage::Store::Open(storage::testing::OptionsFor(dir + "/db"));
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<v1::Author> authors(2);
    authors[0].set_platform("tiktok");
    authors[0].set_author_id("a1");
    authors[1].set_platform("tiktok");
    authors[1].set_author_id("a2");
    ASSERT_TRUE((*store)->PutAuthors(authors).ok());
    const absl::Time t0 = storage::testing::T0();
    ASSERT_TRUE((*store)
                    ->PutPosts({storage::testing::MakePost("p1", "a1", t0),
                                storage::testing::MakePost("p2", "a2", t0)})
                    .ok());
    ASSERT_TRUE((*store)->Flush().ok());
  }
  auto count_lines = [](const std::string& path) {
    std::ifstream in(path);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) ++lines;
    return lines;
  };
  const std::string cmd = absl::StrCat(
      "export --db '", dir, "/db' --cutoff 2026-01-01T00:00:00Z --out '", dir,
      "/rows.csv'");
  Result r = RunCli(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The header, then p1 of a1 and p2 of a2 at each of the 5 default ages.
  EXPECT_EQ(count_lines(dir + "/rows.csv"), 11);
  r = RunCli(cmd + " --live-ages 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(count_lines(dir + "/rows.csv"), 3);
  r = RunCli(cmd + " --live-ages 1,200");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("live_ages: 200h"));
  // Read settings that must not change the rows, and values refused by
  // the flag they name.
  auto read_all = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  ASSERT_EQ(RunCli(cmd).exit_code, 0);
  const std::string rows = read_all(dir + "/rows.csv");
  auto expect_same_rows = [&](const std::string& flags) {
    const Result same = RunCli(cmd + " " + flags);
    ASSERT_EQ(same.exit_code, 0) << flags << ": " << same.output;
    EXPECT_EQ(read_all(dir + "/rows.csv"), rows) << flags;
  };
  auto expect_refused = [](const std::string& command,
                           const std::string& flag) {
    const Result refused = RunCli(command);
    EXPECT_NE(refused.exit_code, 0) << command;
    EXPECT_THAT(refused.output, HasSubstr(flag)) << command;
  };
  expect_same_rows("--block-cache-mb 1");
  expect_same_rows("--threads 3");
  expect_refused(cmd + " --block-cache-mb 0", "--block-cache-mb");
  expect_refused(cmd + " --threads -1", "--threads");
  expect_refused(cmd + " --live-ages nan",
                 "--live-ages: nan is not a number of hours in (0, 87600]");
  expect_refused(
      absl::StrCat("export --db '", dir, "/db' --cutoff infinite-past --out '",
                   dir, "/rows.csv'"),
      "--cutoff: not an RFC 3339 time or a YYYY-MM-DD date: not a "
      "finite time");
  expect_refused(absl::StrCat("train --db '", dir, "/db' --out '", dir,
                              "/models' --nthread -1"),
                 "--nthread");
  // No post's label settled by the cutoff: said so, nothing written.
  expect_refused(absl::StrCat("train --db '", dir, "/db' --out '", dir,
                              "/models' --cutoff 2020-01-01"),
                 "no post to train on: no post has a label horizon (up to 7 "
                 "days) that ended by --cutoff 2020-01-01");
  EXPECT_FALSE(std::filesystem::exists(dir + "/models"));
}

// --since starts the window of posts read; a value that is not a time, or
// not before the cutoff, is refused naming the flag.
TEST(TrainCommandTest, ExportSinceLeavesOutOlderPosts) {
  const std::string dir = FreshDir("since");
  const absl::Time t0 = storage::testing::T0();
  {
    auto store =
        storage::Store::Open(storage::testing::OptionsFor(dir + "/db"));
    ASSERT_TRUE(store.ok()) << store.status();
    v1::Author a;
    a.set_platform("tiktok");
    a.set_author_id("a1");
    ASSERT_TRUE((*store)->PutAuthors({a}).ok());
    ASSERT_TRUE((*store)
                    ->PutPosts({storage::testing::MakePost("p1", "a1", t0),
                                storage::testing::MakePost(
                                    "p2", "a1", t0 + absl::Hours(48))})
                    .ok());
    ASSERT_TRUE((*store)->Flush().ok());
  }
  auto rfc3339 = [](absl::Time t) {
    return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
  };
  const std::string cmd = absl::StrCat(
      "export --db '", dir, "/db' --cutoff 2026-01-01T00:00:00Z --out '", dir,
      "/rows.csv' --live-ages 2 --since ");
  Result r = RunCli(cmd + rfc3339(t0 + absl::Hours(24)));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(dir + "/rows.csv");
  std::string header, row, more;
  ASSERT_TRUE(std::getline(in, header));
  ASSERT_TRUE(std::getline(in, row));  // p2's one live row
  EXPECT_FALSE(std::getline(in, more)) << more;
  EXPECT_TRUE(absl::StartsWith(
      row, absl::StrCat(absl::ToUnixSeconds(t0 + absl::Hours(48)), ",")))
      << header << "\n" << row;

  // A date is its midnight UTC: p2 (T0 + 48 h) is created after it.
  r = RunCli(cmd + absl::FormatTime("%Y-%m-%d", t0 + absl::Hours(24),
                                    absl::UTCTimeZone()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream again(dir + "/rows.csv");
  std::string line;
  int lines = 0;
  while (std::getline(again, line)) ++lines;
  EXPECT_EQ(lines, 2);  // the header and p2's row

  r = RunCli(cmd + "yesterday");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output,
              HasSubstr("--since: not an RFC 3339 time or a YYYY-MM-DD date"));
  r = RunCli(cmd + "2030-01-01T00:00:00Z");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("--since: must be before the cutoff"));
}

// The row `row` of --compare-prior's table: the four cells (version, AUC,
// log loss, ECE) after the row's name, or none.
std::vector<std::string> TableRow(const std::string& output,
                                  const std::string& row) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!absl::StartsWith(line, row + " ")) continue;
    std::istringstream in(line.substr(row.size()));
    std::vector<std::string> cells{std::istream_iterator<std::string>(in), {}};
    if (cells.size() == 4) return cells;
  }
  return {};
}

// 40 people over 40 days from 2026-01-01 (about 1,100 posts) into a new
// database `db`: a history to train on in a few seconds.
Result SimulateSmallHistory(const std::string& db) {
  return RunCli(absl::StrCat("simulate --data '", db,
                             "' --people 40 --days 40 --seed 3 "
                             "--start 2026-01-01"));
}

// --calibrate-prior on a small simulated history: a logistic model set
// whose log loss is far below the prior's; the draft model keeps the
// prior's order (one scaling), the live model scales the draft terms and
// the early signals apart per age, which also ranks better.
TEST(TrainCommandTest, CalibratePriorWritesALogisticModelSet) {
  const std::string dir = FreshDir("calibrate_prior");
  Result r = SimulateSmallHistory(dir + "/db");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli(absl::StrCat("train --db '", dir,
                          "/db' --cutoff 2026-02-15 --calibrate-prior "
                          "--compare-prior --out '",
                          dir, "/models'"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // 870 posts precede the holdout; the 196 whose labels settle after it
  // begins are left out (the week before it, and one whose label's last
  // hour ends inside it: their labels count the holdout's events).
  EXPECT_THAT(r.output, HasSubstr("to prior-v1's parts:\n  all rows (674 "
                                  "rows): draft terms x "));
  EXPECT_THAT(r.output, HasSubstr("train: 196 rows left out: their labels "
                                  "settle after the holdout begins"));
  for (const char* range : {"age <= 1 h (674 rows)", "age <= 2 h", "age <= 6 h",
                            "age <= 24 h", "age > 24 h"}) {
    EXPECT_THAT(r.output, HasSubstr(range));
  }
  for (const auto& [row, prior_row] :
       {std::pair{"draft", "prior draft"}, std::pair{"live", "prior live"}}) {
    const std::vector<std::string> cal = TableRow(r.output, row);
    const std::vector<std::string> prior = TableRow(r.output, prior_row);
    ASSERT_EQ(cal.size(), 4u) << r.output;
    ASSERT_EQ(prior.size(), 4u) << r.output;
    EXPECT_TRUE(absl::StartsWith(cal[0], "prior-v1-calibrated-")) << cal[0];
    EXPECT_EQ(prior[0], "prior-v1");
    double cal_auc = 0, prior_auc = 0, cal_loss = 0, prior_loss = 0;
    ASSERT_TRUE(absl::SimpleAtod(cal[1], &cal_auc));
    ASSERT_TRUE(absl::SimpleAtod(prior[1], &prior_auc));
    if (std::string(row) == "draft") {
      EXPECT_EQ(cal[1], prior[1]) << "the draft order is the prior's";
    } else {
      EXPECT_GT(cal_auc, prior_auc + 0.05) << r.output;
    }
    ASSERT_TRUE(absl::SimpleAtod(cal[2], &cal_loss));
    ASSERT_TRUE(absl::SimpleAtod(prior[2], &prior_loss));
    EXPECT_LT(cal_loss, 0.6 * prior_loss) << row;
    const ranking::FeatureSet set = std::string(row) == "draft"
                                        ? ranking::FeatureSet::kDraft
                                        : ranking::FeatureSet::kLive;
    absl::StatusOr<std::unique_ptr<ranking::Model>> model =
        ranking::Model::Load(absl::StrCat(dir, "/models/", row),
                             ranking::FeatureNames(set));
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ((*model)->metadata().model_type, ranking::ModelType::kLogistic);
  }
  // The live model's ranges end at the live ages but the last.
  std::ifstream in(dir + "/models/live/metadata.json");
  const nlohmann::json meta = nlohmann::json::parse(in);
  const nlohmann::json& segments = meta["training_parameters"]["segments"];
  ASSERT_EQ(segments.size(), 5u) << meta;
  const double bounds[] = {1, 2, 6, 24};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(segments[i]["up_to_hours"].get<double>(), bounds[i]);
  }
  EXPECT_FALSE(segments[4].contains("up_to_hours"));
  r = RunCli(absl::StrCat("train --csv '", REACHRANK_ONP_CSV,
                          "' --label shares --calibrate-prior --out '", dir,
                          "/onp'"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("--calibrate-prior needs --db"));
}

// --compare-with scores a new model set against an older one on the new
// holdout, and refuses, before training, a set fitted on that holdout.
TEST(TrainCommandTest, CompareWithAnOlderModelSet) {
  const std::string dir = FreshDir("compare_with");
  Result r = SimulateSmallHistory(dir + "/db");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string train =
      absl::StrCat("train --db '", dir, "/db' --cutoff 2026-02-15 --out '");
  r = RunCli(absl::StrCat(train, dir, "/older' --holdout-fraction 0.4"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli(absl::StrCat(train, dir, "/newer' --compare-with '", dir,
                          "/older'"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(TableRow(r.output, "baseline draft").size(), 4u) << r.output;
  EXPECT_THAT(r.output, HasSubstr("draft - baseline draft: "));
  EXPECT_THAT(r.output, HasSubstr("live 2h - baseline live 2h: "));

  r = RunCli(absl::StrCat(train, dir, "/leaky' --holdout-fraction 0.05"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli(absl::StrCat(train, dir, "/refused' --compare-with '", dir,
                          "/leaky'"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(r.output, HasSubstr("leaky/draft was trained on rows up to"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/refused"));
}

TEST(ParseAuthorsTest, ReadsPlatformAndIdPerLine) {
  absl::StatusOr<std::vector<ranking::AuthorRef>> authors = ParseAuthors(
      "# accounts\ntiktok,a1\n\n  youtube\tc2 \ninstagram   b3\n", "a.txt");
  ASSERT_TRUE(authors.ok()) << authors.status();
  ASSERT_EQ(authors->size(), 3u);
  EXPECT_EQ((*authors)[0].platform, "tiktok");
  EXPECT_EQ((*authors)[0].author_id, "a1");
  EXPECT_EQ((*authors)[2].platform, "instagram");
  EXPECT_EQ((*authors)[2].author_id, "b3");
}

TEST(ParseAuthorsTest, NamesABadLine) {
  EXPECT_EQ(ParseAuthors("tiktok a1\ntiktok\n", "a.txt").status().message(),
            "a.txt:2: expected a platform and an author id");
}

}  // namespace
}  // namespace reachrank::cli
