// `reachrank train`: train a reach model (gradient-boosted trees) and write
// a model directory the rank service loads. Rows come from a plain CSV
// feature table (--csv) or from a database (--db: a draft and a live model,
// see ranking/scorer.h). `reachrank export` writes the database's rows as
// CSV. Both commands are registered here (AddTrainCommand).
#include <malloc.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/output_file.h"
#include "base/status_macros.h"
#include "ranking/train/csv_export.h"
#include "ranking/train/csv_table.h"
#include "ranking/train/csv_training.h"
#include "ranking/train/metrics.h"
#include "ranking/train/model_comparison.h"
#include "ranking/train/model_set_trainer.h"
#include "ranking/train/trainer.h"
#include "services/batch/progress.h"
#include "services/cli/command.h"
#include "services/cli/comparison_report.h"
#include "services/cli/store_rows.h"
#include "services/cli/train_db.h"
#include "services/common/flag_checks.h"

namespace reachrank::cli {
namespace {

using ranking::TrainingSet;

struct TrainFlags {
  StoreRowsFlags store;
  std::string csv;
  std::string label;
  double threshold = 0.0;
  int horizon_days = 7;
  std::vector<std::string> drop;
  std::vector<std::string> derive;
  double soft_label_scale = 0.0;
  std::string time_column;
  std::string out;
  std::string model_version;
  bool compare_prior = false;
  std::string compare_with;
  ranking::TrainOptions options;
};

// trees-<UTC time>, or prior-v1-calibrated-<UTC time> for a calibrated
// prior.
std::string DefaultModelVersion(const ranking::TrainOptions& options) {
  return absl::StrCat(
      options.calibrate_prior ? "prior-v1-calibrated-" : "trees-",
      absl::FormatTime("%Y%m%d-%H%M%S", absl::Now(), absl::UTCTimeZone()));
}

// One line per range of ages: "  age <= 2 h (1234 rows): draft terms x
// 0.4300, early signals x 0.1700, offset -2.0500" (draft rows: no early
// signals).
void PrintCalibration(const std::vector<ranking::CalibrationSegment>& segments,
                      bool live) {
  for (size_t i = 0; i < segments.size(); ++i) {
    const ranking::CalibrationSegment& s = segments[i];
    std::string range = "all rows";
    if (segments.size() > 1) {
      range = i + 1 < segments.size()
                  ? absl::StrFormat("age <= %g h", s.up_to_hours)
                  : absl::StrFormat("age > %g h", segments[i - 1].up_to_hours);
    }
    const std::string early =
        live ? absl::StrFormat(", early signals x %.4f", s.scaling.early_scale)
             : "";
    const std::string pooled = absl::StrFormat(
        " (pooled: under %d rows of a class here, or no positive fit)",
        ranking::kMinCalibrationRowsPerClass);
    std::cerr << absl::StrFormat(
        "  %s (%d rows): draft terms x %.4f%s, offset %+.4f%s\n", range,
        s.rows, s.scaling.draft_scale, early, s.scaling.offset,
        s.pooled ? pooled : "");
  }
}

// `live`: the report is of live rows (early signals).
void PrintReport(const ranking::TrainReport& r, const std::string& out,
                 bool live = false) {
  // The interval is the holdout rows' sampling error (DeLong), not the
  // drift between periods: docs/model.md "Metrics".
  const ranking::AucEstimate auc{r.holdout.auc, r.holdout.auc_standard_error};
  if (!r.prior_calibration.empty()) {
    std::cerr << absl::StrFormat(
        "train: fitted %d rows (positive rate %.3f) to prior-v1's parts:\n",
        r.fit.rows, r.fit.positive_rate);
    PrintCalibration(r.prior_calibration, live);
  } else {
    std::cerr << absl::StrFormat(
        "train: fitted %d rows (positive rate %.3f), %d validation rows, "
        "%d boosting rounds kept\n",
        r.fit.rows, r.fit.positive_rate, r.validation_rows, r.rounds);
  }
  if (r.purged_rows > 0) {
    std::cerr << absl::StrFormat(
        "train: %d rows left out: their labels settle after the holdout "
        "begins\n",
        r.purged_rows);
  }
  std::cout << absl::StrFormat(
      "holdout: %d rows, positive rate %.3f\n"
      "holdout AUC %.4f (95%% CI %.4f-%.4f)  log loss %.4f  ECE %.4f\n"
      "model directory: %s\n",
      r.holdout.rows, r.holdout.positive_rate, r.holdout.auc, auc.Low95(),
      auc.High95(), r.holdout.log_loss, r.holdout.expected_calibration_error,
      out);
}

// The store's rows, with a bar of the posts read on a terminal.
absl::StatusOr<ranking::TrainingRows> ReadRowsShowingProgress(
    const StoreRowsFlags& store, const std::string& label) {
  batch::TerminalProgress bar(label);
  absl::StatusOr<ranking::TrainingRows> rows =
      ReadStoreRows(store, [&bar](size_t done, size_t total) {
        bar.Update(static_cast<int64_t>(done), static_cast<int64_t>(total));
      });
  bar.Finish();
  return rows;
}

// THE TRAINING ENTRY POINT for every source of rows: trains on `set`,
// writes the model directory `out` and prints the holdout metrics. The
// CSV path calls it; `train --db` (rows from the store, one model per
// directory under --out) and `export` only need to build the TrainingSet.
absl::Status TrainOnRows(const TrainingSet& set,
                         const ranking::TrainOptions& options,
                         const ranking::ModelDescription& description,
                         const std::string& out) {
  std::cerr << absl::StrFormat("train: %d rows, %d features: %s\n",
                               set.num_rows(), set.num_features(),
                               absl::StrJoin(set.feature_names, ", "));
  batch::TerminalProgress bar("train: boosting");
  ranking::TrainOptions with_bar = options;
  with_bar.on_round = [&bar](int round, int rounds) {
    bar.Update(round, rounds);
  };
  absl::StatusOr<ranking::TrainReport> report =
      ranking::TrainModelDirectory(set, with_bar, description, out);
  bar.Finish();
  if (!report.ok()) return report.status();
  PrintReport(*report, out);
  return absl::OkStatus();
}

absl::Status RunTrainCsv(const TrainFlags& flags) {
  const ranking::CsvTrainingSpec spec{flags.label, flags.threshold,
                                      flags.drop, flags.time_column,
                                      flags.derive, flags.soft_label_scale};
  RR_ASSIGN_OR_RETURN(
      ranking::CsvTable table,
      ranking::ReadCsvTable(flags.csv,
                            [&spec](const std::vector<std::string>& columns) {
                              return ranking::CheckCsvColumns(columns, spec);
                            }));
  RR_ASSIGN_OR_RETURN(TrainingSet set,
                      ranking::TrainingSetFromCsv(table, spec));
  ranking::ModelDescription description;
  description.model_version = flags.model_version.empty()
                                  ? DefaultModelVersion(flags.options)
                                  : flags.model_version;
  description.label = {flags.label, flags.threshold, flags.horizon_days};
  description.label_text = absl::StrCat(flags.label, " >= ", flags.threshold);
  if (flags.soft_label_scale > 0.0) {
    absl::StrAppend(&description.label_text, " (fitted to soft labels, scale ",
                    flags.soft_label_scale, ")");
  }
  ranking::TrainOptions options = flags.options;
  // With times the outcome's horizon is known: rows whose outcome settles
  // after the holdout begins are left out, as `train --db` does.
  if (!flags.time_column.empty()) {
    options.label_horizon = absl::Hours(24 * flags.horizon_days);
  }
  return TrainOnRows(set, options, description, flags.out);
}

absl::Status RunTrainDb(const TrainFlags& flags) {
  return TrainModelSetFromDb(flags.store, flags.options, flags.model_version,
                             flags.out, flags.compare_prior,
                             flags.compare_with);
}

absl::Status RunTrain(const TrainFlags& flags) {
  if (flags.csv.empty() == flags.store.dbs.empty()) {
    return absl::InvalidArgumentError(
        "give the rows to train on: --csv FILE or --db DIR");
  }
  if (!flags.store.dbs.empty() && flags.soft_label_scale > 0.0) {
    return absl::InvalidArgumentError(
        "--soft-labels needs --csv: it reads the outcome column's values");
  }
  if (!flags.store.dbs.empty()) {
    RR_RETURN_IF_ERROR(CheckShardList("--db", flags.store.dbs));
    return RunTrainDb(flags);
  }
  if (flags.options.calibrate_prior) {
    return absl::InvalidArgumentError(
        "--calibrate-prior needs --db: the prior is defined on the "
        "database's features, not a CSV table's");
  }
  if (flags.compare_prior || !flags.compare_with.empty()) {
    return absl::InvalidArgumentError(
        "--compare-prior and --compare-with need --db: they score the "
        "database's features, not a CSV table's");
  }
  if (flags.label.empty()) {
    return absl::InvalidArgumentError("--csv needs --label COLUMN");
  }
  return RunTrainCsv(flags);
}

struct ExportFlags {
  StoreRowsFlags store;
  std::string out;
  bool draft = false;
};

absl::Status RunExport(const ExportFlags& flags) {
  RR_RETURN_IF_ERROR(CheckShardList("--db", flags.store.dbs));
  RR_RETURN_IF_ERROR(CheckNotInDatabase("--out", flags.out, flags.store.dbs));
  // Opened first: a bad --out fails before the posts are read.
  RR_ASSIGN_OR_RETURN(std::unique_ptr<OutputFile> out,
                      OutputFile::Open("--out", flags.out));
  RR_ASSIGN_OR_RETURN(ranking::TrainingRows rows,
                      ReadRowsShowingProgress(flags.store, "export: posts"));
  const TrainingSet& set = flags.draft ? rows.draft : rows.live;
  if (absl::Status written = ranking::WriteTrainingSetCsv(set, out->stream());
      !written.ok()) {
    RR_RETURN_IF_ERROR(out->status());  // the file's error says why
    return written;
  }
  RR_RETURN_IF_ERROR(out->Commit());
  std::cerr << absl::StrFormat("export: %d rows, %d features -> %s\n",
                               set.num_rows(), set.num_features(), flags.out);
  return absl::OkStatus();
}

void AddStoreOptions(CLI::App* cmd, StoreRowsFlags& s) {
  cmd->add_option("--db", s.dbs,
                  "database directory (read as a secondary); several "
                  "(comma-separated or repeated), one per shard: their rows "
                  "are merged by time")
      ->delimiter(',')->allow_extra_args(false);
  cmd->add_option("--authors", s.authors,
                  "with --db: file of 'platform author_id' lines (default: "
                  "every author with a record)");
  cmd->add_option("--labels", s.labels, "with --db: label config JSON");
  cmd->add_option(
      "--cutoff", s.cutoff,
      "with --db: RFC 3339 or YYYY-MM-DD (UTC); posts whose horizon ended "
      "(default now)");
  cmd->add_option("--since", s.since,
                  "with --db: RFC 3339 or YYYY-MM-DD (UTC); leave out posts "
                  "created before it "
                  "(the training window's start: fewer rows, less memory; "
                  "default: the whole history)");
  cmd->add_option("--live-ages", s.live_ages_hours,
                  "with --db: hours after creation at which each post's live "
                  "rows are taken, one row per age, each > 0, given once and "
                  "shorter than the label horizon (default 1,2,6,24,72: those "
                  "shorter than the shortest horizon)")
      ->delimiter(',');
  cmd->add_option("--block-cache-mb", s.block_cache_mb,
                  "with --db: RocksDB block cache while reading, MiB (less "
                  "memory, slower reads)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
}

void AddExportCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<ExportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "export", "write a database's point-in-time training rows as CSV");
  AddStoreOptions(cmd, f->store);
  cmd->get_option("--db")->required();
  cmd->add_option("--out", f->out, "CSV file to write")->required();
  cmd->add_flag("--draft", f->draft, "the draft rows (default: the live rows)");
  cmd->add_option("--threads", f->store.threads,
                  "threads reading the posts (0: one per core)")
      ->capture_default_str()
      ->check(services::NonNegative());
  commands.Add(cmd, [f] { return ExitCode(RunExport(*f)); });
}

void AddModelOptions(CLI::App* cmd, ranking::TrainOptions& o) {
  ranking::XGBoostParams& x = o.xgboost;
  cmd->add_option("--max-depth", x.max_depth)->capture_default_str();
  cmd->add_option("--eta", x.eta, "learning rate")->capture_default_str();
  cmd->add_option("--rounds", x.rounds, "most boosting rounds")
      ->capture_default_str();
  cmd->add_option("--early-stopping-rounds", x.early_stopping_rounds,
                  "stop after this many rounds without a better validation "
                  "log loss (0: off)")
      ->capture_default_str();
  cmd->add_option("--min-child-weight", x.min_child_weight)
      ->capture_default_str();
  cmd->add_option("--subsample", x.subsample)->capture_default_str();
  cmd->add_option("--colsample", x.colsample_bytree, "colsample_bytree")
      ->capture_default_str();
  cmd->add_option("--colsample-bynode", x.colsample_bynode,
                  "colsample_bynode: share of the tree's columns each split "
                  "chooses from")
      ->capture_default_str();
  cmd->add_option("--parallel-trees", x.num_parallel_tree,
                  "num_parallel_tree: trees grown per round on their own "
                  "row and column samples (a boosted forest)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--seed", x.seed)->capture_default_str();
  cmd->add_option("--nthread", x.nthread,
                  "threads for XGBoost and, with --db, for reading the posts "
                  "(0: all cores)")
      ->capture_default_str()
      ->check(services::NonNegative());
  cmd->add_option("--holdout-fraction", o.holdout_fraction,
                  "latest share of rows held out and scored")
      ->capture_default_str()
      ->check(services::OpenFraction());
  cmd->add_option("--validation-fraction", o.validation_fraction,
                  "latest share of the rest used for early stopping (0: "
                  "none)")
      ->capture_default_str()
      ->check(services::FractionBelowOne());
  cmd->add_option("--recency-half-life", o.recency_half_life,
                  "weigh recent rows more: a row's weight halves every this "
                  "share of the fitted rows back from the latest (0: off)")
      ->capture_default_str()
      ->check(services::Fraction());
}

}  // namespace

absl::Status TrainModelSetFromDb(const StoreRowsFlags& store,
                                 const ranking::TrainOptions& options,
                                 const std::string& model_version,
                                 const std::string& out, bool compare_prior,
                                 const std::string& compare_with) {
  StoreRowsFlags read = store;
  read.threads = options.xgboost.nthread;  // --nthread reads too
  RR_ASSIGN_OR_RETURN(ranking::TrainingRows rows,
                      ReadRowsShowingProgress(read, "train: posts"));
  if (rows.post_ids.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no post to train on: no post",
        store.authors.empty() ? "" : " of the authors in --authors",
        store.since.empty() ? "" : " published since --since " + store.since,
        " has a label horizon (up to ",
        absl::ToInt64Hours(rows.label_horizon) / 24, " days) that ended by ",
        store.cutoff.empty() ? "now" : "--cutoff " + store.cutoff));
  }
  // The store is closed. Its block cache went back to malloc's free lists,
  // where XGBoost's large (mmap-served) allocations would not reuse it:
  // return it to the system before training (about 0.14 GB of peak memory
  // on the model card's database).
  malloc_trim(0);
  if (!compare_with.empty()) {
    // Before training: a comparison that cannot be made would waste it.
    RR_RETURN_IF_ERROR(ranking::CheckBaselineModelSet(
        rows, options.holdout_fraction, compare_with));
  }
  RR_ASSIGN_OR_RETURN(ranking::LabelConfigs labels, LoadLabels(store));
  ranking::ModelDescription description;
  description.model_version =
      model_version.empty() ? DefaultModelVersion(options) : model_version;
  description.label = ranking::ToLabelDefinition(labels.default_config());
  description.label_text =
      store.labels.empty()
          ? "built-in default label"
          : absl::StrCat("per-platform labels of ", store.labels);
  std::cerr << absl::StrFormat("train: %d posts\n", rows.post_ids.size());
  batch::TerminalProgress draft_bar("train: draft model");
  batch::TerminalProgress live_bar("train: live model");
  absl::StatusOr<ranking::ModelSetReport> trained = ranking::TrainModelSet(
      rows, options, description, out,
      [&](absl::string_view model, int round, int rounds) {
        if (model == "draft") return draft_bar.Update(round, rounds);
        draft_bar.Finish();  // stopped early
        live_bar.Update(round, rounds);
      });
  draft_bar.Finish();
  live_bar.Finish();
  RR_ASSIGN_OR_RETURN(ranking::ModelSetReport report, std::move(trained));
  std::cout << "draft model\n";
  PrintReport(report.draft, out + "/draft");
  std::cout << "live model\n";
  PrintReport(report.live, out + "/live", /*live=*/true);
  if (compare_prior) {
    RR_ASSIGN_OR_RETURN(
        std::vector<ranking::HoldoutFigures> figures,
        ranking::CompareWithPrior(rows, options.holdout_fraction, out));
    std::cout << "\n";
    PrintComparison(figures, report.draft.holdout_window, std::cout);
  }
  if (!compare_with.empty()) {
    RR_ASSIGN_OR_RETURN(std::vector<ranking::HoldoutFigures> figures,
                        ranking::CompareWithModelSet(
                            rows, options.holdout_fraction, out, compare_with));
    std::cout << "\n";
    PrintComparison(figures, report.draft.holdout_window, std::cout);
  }
  return absl::OkStatus();
}

void AddTrainCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "train a reach model and write a model directory (with --db: "
      "<out>/draft and <out>/live)");
  cmd->add_option("--csv", f->csv, "plain feature table: header + numbers");
  AddStoreOptions(cmd, f->store);
  cmd->add_option("--label", f->label, "outcome column (never a feature)");
  cmd->add_option("--threshold", f->threshold, "label = outcome >= threshold")
      ->capture_default_str();
  cmd->add_option("--horizon-days", f->horizon_days,
                  "days the outcome counts over (recorded in metadata.json); "
                  "with --time-column, rows less than this before the "
                  "holdout are left out (their outcome counts holdout days)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--drop", f->drop, "columns that are not features");
  cmd->add_option("--derive", f->derive,
                  "with --csv: extra feature A/B (ratio) or A*B (product) of "
                  "two columns, named by the expression; repeatable");
  cmd->add_option("--soft-labels", f->soft_label_scale,
                  "with --csv: fit 1 / (1 + exp(-ln(outcome / threshold) / "
                  "S)) instead of the 0/1 label (metrics keep the label); "
                  "0: off")
      ->capture_default_str()
      ->check(services::NonNegative());
  cmd->add_option("--time-column", f->time_column,
                  "unix seconds per row; default: row order is time order");
  cmd->add_option("--out", f->out, "model directory to write")->required();
  cmd->add_option("--model-version", f->model_version,
                  "default: trees-<UTC time of training> (with "
                  "--calibrate-prior: prior-v1-calibrated-<UTC time>)");
  cmd->add_flag("--calibrate-prior", f->options.calibrate_prior,
                "with --db: instead of trees, fit prior-v1's Platt scaling "
                "to the labels (draft: its margin; live: its draft terms "
                "and early signals apart, per range of the post's age) and "
                "write it as a logistic model set: calibrated "
                "probabilities from a history too small for trees; the "
                "XGBoost options are unused");
  cmd->add_option("--compare-with", f->compare_with,
                  "with --db: also score the trained models and the model "
                  "set in this directory (e.g. the one in service) on the "
                  "same holdout, with paired AUC differences; refused if "
                  "that set was trained on the holdout's posts");
  cmd->add_flag("--compare-prior", f->compare_prior,
                "with --db: also score the trained models and prior-v1 on "
                "the same holdout (AUC, log loss, ECE, calibration table)");
  AddModelOptions(cmd, f->options);
  commands.Add(cmd, [f] { return ExitCode(RunTrain(*f)); });
  AddExportCommand(app, commands);
}

}  // namespace reachrank::cli
