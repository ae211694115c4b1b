// `reachrank demo`: the README's "Try it with simulated history" in one
// process. Simulates a platform's history into an in-process AllInOne over
// --data, trains a draft and a live model from it (the `train --db` path)
// into <data>/models, scores a few built-in drafts with explanations and
// prints where to look next.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/scratch_dir.h"
#include "base/status_macros.h"
#include "ranking/scorer.h"
#include "services/cli/command.h"
#include "services/cli/in_process_ingest.h"
#include "services/cli/ingest_sink.h"
#include "services/cli/train_db.h"
#include "services/topics/default_model.h"
#include "sim/simulator.h"
#include "storage/store.h"
#include "topics/fasttext_classifier.h"

namespace reachrank::cli {
namespace {

struct DemoFlags {
  std::string data = "reachrank-demo";
  sim::SimOptions sim{.seed = 42, .people = 300, .days = 60};
  bool force = false;
};

// The author the demo drafts are written by ("" for a new account).
struct DemoAuthor {
  std::string platform = "tiktok";
  std::string author_id;
};

// Forwards to an IngestSink and remembers the simulated account with the
// most followers on `platform`, so one draft can be by a known author.
class RecordingSink final : public sim::SimSink {
 public:
  RecordingSink(IngestSink& sink, std::string platform)
      : sink_(sink), platform_(std::move(platform)) {}
  absl::Status Authors(absl::Span<const v1::Author> authors) override {
    for (const v1::Author& a : authors) {
      if (a.platform() == platform_ && a.followers() >= best_followers_) {
        best_followers_ = a.followers();
        best_ = a.author_id();
      }
    }
    return sink_.Authors(authors);
  }
  absl::Status Posts(absl::Span<const v1::Post> posts) override {
    return sink_.Posts(posts);
  }
  absl::Status Events(absl::Span<const v1::EngagementEvent> events) override {
    return sink_.Events(events);
  }
  const std::string& best_author() const { return best_; }

 private:
  IngestSink& sink_;
  const std::string platform_;
  int64_t best_followers_ = -1;
  std::string best_;
};

// Prints "demo: <step> (<seconds since `began`>)" on stderr.
void Progress(const std::string& step, absl::Time began) {
  std::cerr << absl::StrFormat("demo: %s (%.1f s)\n", step,
                               absl::ToDoubleSeconds(absl::Now() - began));
}

absl::Status CheckDataDir(const DemoFlags& flags) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::exists(flags.data, error)) return absl::OkStatus();
  if (!fs::is_directory(flags.data, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("--data ", flags.data, " exists and is not a directory"));
  }
  if (fs::is_empty(flags.data, error) || flags.force) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "--data ", flags.data,
      " is not empty; choose a new directory or pass --force to add the "
      "simulation to it and overwrite its models/"));
}

// Streams the simulation into an in-process ingest service over flags.data.
absl::Status SimulateInto(const DemoFlags& flags, DemoAuthor& author) {
  RR_ASSIGN_OR_RETURN(sim::Corpus corpus,
                      sim::Corpus::Load(DefaultSib200Dir()));
  return WithInProcessIngest(flags.data, [&](IngestSink& ingest) -> absl::Status {
    RecordingSink sink(ingest, author.platform);
    RR_ASSIGN_OR_RETURN(sim::SimSummary s,
                        sim::Simulate(flags.sim, corpus, sink, nullptr));
    std::cerr << absl::StrFormat(
        "demo: simulated %d authors, %d posts, %d event records\n",
        s.authors, s.posts, s.event_records);
    author.author_id = sink.best_author();
    return absl::OkStatus();
  });
}

struct DemoDraft {
  v1::Draft draft;
  std::string language;
};

DemoDraft MakeDraft(const std::string& id, const std::string& language,
                    const std::string& text, v1::MediaKind media,
                    double duration_s, const DemoAuthor& author,
                    bool by_author) {
  DemoDraft d;
  d.language = language;
  d.draft.set_draft_id(id);
  d.draft.set_platform(author.platform);
  if (by_author) d.draft.set_author_id(author.author_id);
  d.draft.set_text(text);
  d.draft.set_language(language);
  d.draft.set_media_kind(media);
  d.draft.set_duration_seconds(duration_s);
  return d;
}

// The demo drafts, planned for `planned_at`.
std::vector<DemoDraft> BuiltInDrafts(const DemoAuthor& author,
                                     absl::Time planned_at) {
  using v1::MEDIA_KIND_IMAGE;
  using v1::MEDIA_KIND_VIDEO;
  std::vector<DemoDraft> drafts = {
      MakeDraft("en-howto", "en",
                "How to: pack a carry-on for two weeks, step by step",
                MEDIA_KIND_VIDEO, 45, author, !author.author_id.empty()),
      MakeDraft("en-daily", "en", "My day: morning routine and a walk in the park",
                MEDIA_KIND_IMAGE, 0, author, false),
      MakeDraft("de-howto", "de",
                "Anleitung: Sauerteigbrot backen, Schritt für Schritt",
                MEDIA_KIND_VIDEO, 60, author, false),
      MakeDraft("de-daily", "de", "Mein Tag: Alltag zwischen Büro und Balkon",
                MEDIA_KIND_IMAGE, 0, author, false),
      MakeDraft("zh-howto", "zh", "教程：三步学会做番茄炒蛋，干货技巧",
                MEDIA_KIND_VIDEO, 50, author, false),
      MakeDraft("zh-daily", "zh", "今天的日常：记录生活，周末去公园散步",
                MEDIA_KIND_IMAGE, 0, author, false),
  };
  for (DemoDraft& d : drafts) {
    d.draft.mutable_planned_at()->set_seconds(absl::ToUnixSeconds(planned_at));
  }
  return drafts;
}

// The day after the simulated period: drafts are scored as if planned
// then, so the author's and the topics' recent history is the simulation's
// (scored "now", a past simulation would leave both empty).
absl::Time PlannedAt(const sim::SimOptions& sim) {
  return sim.start + absl::Hours(24) * sim.days;
}

double Share(const ranking::ScoreResult& r, const std::string& surface) {
  auto it = r.surface_mix.find(surface);
  return it == r.surface_mix.end() ? 0.0 : 100.0 * it->second;
}

void PrintRow(const DemoDraft& d, const ranking::ScoreResult& r) {
  std::cout << absl::StrFormat(
      "%-9s %-4s %7.3f %10.0f %6.0f/%.0f/%.0f   %s\n", d.draft.draft_id(),
      d.language, r.p_reach, r.expected_stranger_impressions,
      Share(r, "SURFACE_FOLLOWING"), Share(r, "SURFACE_FRIENDS"),
      Share(r, "SURFACE_RECOMMENDED"),
      d.draft.author_id().empty() ? "(new account)" : d.draft.author_id());
  for (size_t i = 0; i < r.reasons.size() && i < 2; ++i) {
    std::cout << absl::StrFormat("%14s %d. %s\n", "", i + 1,
                                 r.reasons[i].message);
  }
}

// Scores the built-in drafts over a secondary of flags.data (as `train
// --db` reads it) with the model set in <data>/models.
absl::Status ScoreDrafts(const DemoFlags& flags, const DemoAuthor& author) {
  // Declared before the store, which must close first.
  RR_ASSIGN_OR_RETURN(const auto secondary, ScratchDirectory::Create("demo"));
  storage::StoreOptions store_options;
  store_options.path = flags.data;
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::Store> store,
      storage::Store::OpenSecondary(store_options, secondary->path()));
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<topics::TopicClassifier> classifier,
      topics::FastTextClassifier::Load(topics_service::DefaultTopicModelDir()));
  RR_ASSIGN_OR_RETURN(
      std::unique_ptr<ranking::Scorer> scorer,
      ranking::Scorer::Create(*store, classifier.get(), ranking::ScorerOptions(),
                              flags.data + "/models"));
  std::cout << absl::StrFormat(
      "\nmodel %s, platform %s, drafts planned for %s\n",
      scorer->model_version(), author.platform,
      absl::FormatTime("%Y-%m-%d", PlannedAt(flags.sim), absl::UTCTimeZone()));
  std::cout << absl::StrFormat("%-9s %-4s %7s %10s %14s   %s\n", "draft",
                               "lang", "p_reach", "strangers",
                               "fol/fri/rec %", "author / top reasons");
  for (const DemoDraft& d : BuiltInDrafts(author, PlannedAt(flags.sim))) {
    RR_ASSIGN_OR_RETURN(auto results,
                        scorer->ScoreDrafts({d.draft}, true, d.language));
    RR_RETURN_IF_ERROR(results.front().status());
    PrintRow(d, *results.front());
  }
  return absl::OkStatus();
}

void PrintNextSteps(const std::string& data) {
  std::cout << absl::StrFormat(
      "\nwhere to look next:\n"
      "  reachrank serve --data %s --rank-model %s/models --insecure\n"
      "  reachrank score drafts.jsonl --db %s --model %s/models --explain\n"
      "  docs/ (scoring.md: batch scoring, model.md: label and reasons, "
      "features.md)\n",
      data, data, data, data);
}

// The simulated period (from sim.start, 2026-01-01) must be over by now:
// training's cutoff is its end, and labels after now are not known yet.
absl::Status CheckPeriodIsPast(const sim::SimOptions& sim) {
  const int64_t most = (absl::Now() - sim.start) / absl::Hours(24);
  if (PlannedAt(sim) > absl::Now()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--days: the simulated period starts ",
        absl::FormatTime("%Y-%m-%d", sim.start, absl::UTCTimeZone()),
        " and must end by now: at most ", most, " days"));
  }
  return absl::OkStatus();
}

absl::Status RunDemo(const DemoFlags& flags) {
  RR_RETURN_IF_ERROR(CheckPeriodIsPast(flags.sim));
  RR_RETURN_IF_ERROR(CheckDataDir(flags));
  const absl::Time began = absl::Now();
  DemoAuthor author;
  Progress("1/3 simulating into an in-process server over " + flags.data,
           began);
  RR_RETURN_IF_ERROR(SimulateInto(flags, author));
  Progress("2/3 training draft + live models into " + flags.data + "/models",
           began);
  StoreRowsFlags store;
  store.dbs = {flags.data};
  // Posts whose horizon ended inside the simulated period; later ones
  // would be censored (the simulator emits no event after it).
  store.cutoff = absl::FormatTime(absl::RFC3339_sec, PlannedAt(flags.sim),
                                  absl::UTCTimeZone());
  // One XGBoost thread: on a busy two-core machine OpenMP's spinning
  // threads made training many times slower than one thread.
  ranking::TrainOptions train;
  train.xgboost.nthread = 1;
  RR_RETURN_IF_ERROR(
      TrainModelSetFromDb(store, train, "", flags.data + "/models"));
  Progress("3/3 scoring the built-in drafts", began);
  RR_RETURN_IF_ERROR(ScoreDrafts(flags, author));
  PrintNextSteps(flags.data);
  Progress("done", began);
  return absl::OkStatus();
}

}  // namespace

void AddDemoCommand(CLI::App& app, CommandSet& commands) {
  auto f = std::make_shared<DemoFlags>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "simulate history, train draft + live models and score sample drafts, "
      "all in one process");
  cmd->add_option("--data", f->data, "database directory (new or empty)")
      ->capture_default_str();
  // Fewer leave too few labelled posts to fit and hold out: the last 7
  // days have no label yet, and fitted posts must settle 7 days before the
  // holdout begins (20 people, 21 days is about the least that trains).
  cmd->add_option("--people", f->sim.people, "people simulated (20 or more)")
      ->capture_default_str()
      ->check(CLI::Range(20, 10000000));
  cmd->add_option("--days", f->sim.days,
                  "length of the simulated period (21 or more)")
      ->capture_default_str()
      ->check(CLI::Range(21, 3650));
  cmd->add_option("--seed", f->sim.seed)->capture_default_str();
  cmd->add_flag("--force", f->force,
                "use a non-empty --data anyway (adds to it, overwrites "
                "models/)");
  commands.Add(cmd, [f] { return ExitCode(RunDemo(*f)); });
}

}  // namespace reachrank::cli
