// sim_fill: fills a database for the end-to-end benchmarks (bench/run).
//
//   sim_fill --db=DIR --ids=FILE [--people=N] [--days=D] [--filler=M]
//
// Writes the simulator's history (authors, classified posts, events)
// straight into the store, as ranking_bench does, then, with --filler, M
// older posts by other accounts, each with one aggregated impression
// record, so that the database grows to a given size while the simulated
// history and the posts a benchmark scores stay the same. FILE receives the
// simulated post ids, oldest first. Exit code 0 on success.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ranking/feature_names.h"
#include "ranking/testing/sim_store.h"
#include "storage/store.h"

namespace reachrank {
namespace {

constexpr int kFillerBatch = 5000;
const char* const kPlatforms[] = {"douyin", "tiktok", "wechat_channels",
                                  "youtube"};

struct Flags {
  std::string db, ids;
  int people = 400, days = 45;
  int64_t filler = 0;
};

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

// Filler post i: by one of 50,000 accounts, created up to a year before
// `before`, classified into one of the feature topics.
storage::PostRecord FillerPost(int64_t i, absl::Time before) {
  const auto& topics = ranking::FeatureTopics();
  storage::PostRecord r;
  v1::Post* p = r.mutable_post();
  p->set_post_id(absl::StrCat("filler-", i));
  p->set_platform(kPlatforms[i % 4]);
  p->set_author_id(absl::StrCat("filler-acct-", i % 50000));
  *p->mutable_created_at() = Ts(before - absl::Minutes(1 + (i * 7919) % 525600));
  p->set_text(absl::StrCat("Older post ", i, ": a day at the market"));
  p->set_language("en");
  p->set_media_kind(v1::MEDIA_KIND_VIDEO);
  p->set_duration_seconds(30);
  v1::TopicScore* t = r.add_topics();
  t->set_topic_id(topics[i % topics.size()]);
  t->set_probability(0.9f);
  r.set_classified(true);
  return r;
}

v1::EngagementEvent FillerEvent(const storage::PostRecord& r, int64_t i) {
  v1::EngagementEvent e;
  e.set_event_id(absl::StrCat("filler-ev-", i));
  e.set_post_id(r.post().post_id());
  e.set_type(v1::EVENT_TYPE_IMPRESSION);
  e.set_surface(v1::SURFACE_RECOMMENDED);
  e.set_relation(v1::RELATION_STRANGER);
  e.set_count(1 + i % 500);
  *e.mutable_at() = r.post().created_at();
  e.mutable_at()->set_seconds(e.at().seconds() + 3600);
  return e;
}

absl::Status WriteFiller(storage::Store& store, int64_t n, absl::Time before) {
  std::vector<storage::PostRecord> posts;
  std::vector<v1::EngagementEvent> events;
  for (int64_t start = 0; start < n; start += kFillerBatch) {
    posts.clear();
    events.clear();
    for (int64_t i = start; i < std::min(n, start + kFillerBatch); ++i) {
      posts.push_back(FillerPost(i, before));
      events.push_back(FillerEvent(posts.back(), i));
    }
    auto put = store.PutPosts(posts);
    if (!put.ok()) return put.status();
    auto recorded = store.RecordEvents(events, absl::Now());
    if (!recorded.ok()) return recorded.status();
  }
  return absl::OkStatus();
}

absl::Status Fill(const Flags& flags) {
  storage::StoreOptions options;
  options.path = flags.db;
  auto store = storage::Store::Open(options);
  if (!store.ok()) return store.status();
  sim::SimOptions sim;
  sim.people = flags.people;
  sim.days = flags.days;
  auto summary = ranking::testing::FillStoreFromSim(sim, **store);
  if (!summary.ok()) return summary.status();
  std::ofstream ids(flags.ids);
  for (const std::string& id : summary->post_ids) ids << id << "\n";
  if (!ids.good()) return absl::InternalError("cannot write " + flags.ids);
  absl::Status filled = WriteFiller(**store, flags.filler, sim.start);
  if (!filled.ok()) return filled;
  std::printf("sim_fill: %lld simulated posts, %lld filler posts, %lld "
              "event records\n",
              static_cast<long long>(summary->sim.posts),
              static_cast<long long>(flags.filler),
              static_cast<long long>(summary->sim.event_records));
  return (*store)->Flush();
}

bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    bool ok = true;
    if (absl::ConsumePrefix(&arg, "--db=")) {
      flags.db = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--ids=")) {
      flags.ids = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--people=")) {
      ok = absl::SimpleAtoi(arg, &flags.people);
    } else if (absl::ConsumePrefix(&arg, "--days=")) {
      ok = absl::SimpleAtoi(arg, &flags.days);
    } else if (absl::ConsumePrefix(&arg, "--filler=")) {
      ok = absl::SimpleAtoi(arg, &flags.filler);
    } else {
      ok = false;
    }
    if (!ok) return false;
  }
  return !flags.db.empty() && !flags.ids.empty();
}

}  // namespace
}  // namespace reachrank

int main(int argc, char** argv) {
  reachrank::Flags flags;
  if (!reachrank::ParseFlags(argc, argv, flags)) {
    std::fprintf(stderr,
                 "usage: sim_fill --db=DIR --ids=FILE [--people=N] [--days=D] "
                 "[--filler=M]\n");
    return 1;
  }
  absl::Status status = reachrank::Fill(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "sim_fill: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
