// Ingest throughput of the storage layer against raw RocksDB.
//
// BM_StoreRecordEvents: events/s through Store::RecordEvents (validation of
// enums, dedup and post MultiGets, per-key aggregation, one WriteBatch).
// BM_RawWriteBatch: the same events written as a plain WriteBatch loop with
// the same column families and options: per event one dedup Put and four
// counter Merges (post total, post hour, author day, topic day), with post
// metadata taken from memory instead of the database.
// BM_RawWriteBatchAggregated: the raw loop, but with deltas summed per key
// inside the batch first (as the store does): the strictest baseline, which
// isolates the cost of the store's reads (dedup and post MultiGets).
// BM_ServiceRecordEvents: the same batches streamed through the gRPC
// IngestService (RecordEvents, one client stream of kStreamBatches messages
// per iteration) served in this process on 127.0.0.1; wall time, since the
// work runs on the server's threads.
// All write 200 batches (--batches=N) of 1,000 events into a fresh
// database per run, and report
// items_per_second over the CPU time of the writing thread (the machines
// that run this are shared, so wall time is noisy); bench/run compares the
// service with the raw loop on wall time. main() prints the store/raw
// ratios (of the medians with --benchmark_repetitions).
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "benchmark/benchmark.h"
#include "prometheus/registry.h"
#include "reachrank/v1/ingest.grpc.pb.h"
#include "rocksdb/db.h"
#include "services/common/in_flight_limit.h"
#include "services/common/server_runner.h"
#include "services/ingest/ingest_core.h"
#include "services/ingest/ingest_service.h"
#include "storage/counters.h"
#include "storage/keys.h"
#include "storage/rocks_options.h"
#include "storage/store.h"

namespace reachrank::storage {
namespace {

constexpr int kPosts = 5000;
constexpr int kAuthors = 500;
constexpr int kTopics = 40;
constexpr int kBatchSize = 1000;
constexpr int kDefaultBatches = 200;  // per run; --batches=N overrides
constexpr int kStreamBatches = 20;  // per RecordEvents stream
const absl::Time kNow = absl::FromUnixSeconds(1709251200);  // 2024-03-01

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ingest_bench_XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

google::protobuf::Timestamp Ts(absl::Time t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

std::vector<PostRecord> MakePosts() {
  std::vector<PostRecord> posts;
  for (int i = 0; i < kPosts; ++i) {
    PostRecord r;
    v1::Post* p = r.mutable_post();
    p->set_post_id("post-" + std::to_string(i));
    p->set_platform(i % 2 == 0 ? "tiktok" : "douyin");
    p->set_author_id("author-" + std::to_string(i % kAuthors));
    *p->mutable_created_at() = Ts(kNow - absl::Hours(i % 72));
    p->set_text("How to make sourdough bread at home, step " +
                std::to_string(i) + ": feed the starter twice a day.");
    p->set_language("en");
    p->set_media_kind(v1::MEDIA_KIND_VIDEO);
    v1::TopicScore* t = r.add_topics();
    t->set_topic_id("topic-" + std::to_string(i % kTopics));
    t->set_probability(0.8f);
    r.set_classified(true);
    posts.push_back(std::move(r));
  }
  return posts;
}

// Deterministic events: half go to 100 hot posts, the rest anywhere, each
// between its post's creation and now; event ids never repeat.
class EventSource {
 public:
  std::vector<v1::EngagementEvent> Next() {
    std::vector<v1::EngagementEvent> batch(kBatchSize);
    for (v1::EngagementEvent& e : batch) {
      const uint64_t r = Rand();
      const int post = (r & 1) ? static_cast<int>((r >> 1) % 100)
                               : static_cast<int>((r >> 1) % kPosts);
      e.set_event_id("ev-" + std::to_string(next_id_++));
      e.set_post_id("post-" + std::to_string(post));
      e.set_type(static_cast<v1::EventType>(1 + (r >> 20) % 9));
      e.set_surface(static_cast<v1::Surface>(1 + (r >> 30) % 6));
      e.set_relation(static_cast<v1::Relation>(1 + (r >> 40) % 4));
      // Within the 48 hours before now, and never before the post was
      // created (MakePosts: post i is i % 72 hours old): the store refuses
      // events long before their post.
      const int age_minutes = std::min(post % 72, 48) * 60;
      *e.mutable_at() = Ts(kNow - absl::Minutes((r >> 44) % (age_minutes + 1)));
      if (e.type() == v1::EVENT_TYPE_VIEW) e.set_watch_ms((r >> 8) % 60000);
    }
    return batch;
  }

 private:
  uint64_t Rand() {  // xorshift64*
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 2685821657736338717ull;
  }
  uint64_t state_ = 88172645463325252ull;
  uint64_t next_id_ = 0;
};

StoreOptions BenchOptions(const std::string& path) {
  StoreOptions options;
  options.path = path;
  return options;
}

void BM_StoreRecordEvents(benchmark::State& state) {
  TempDir dir;
  auto store = Store::Open(BenchOptions(dir.path()));
  if (!store.ok()) return state.SkipWithError("open failed");
  const std::vector<PostRecord> posts = MakePosts();
  if (!(*store)->PutPosts(posts).ok()) return state.SkipWithError("posts");
  EventSource source;
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<v1::EngagementEvent> batch = source.Next();
    state.ResumeTiming();
    auto result = (*store)->RecordEvents(batch, kNow);
    if (!result.ok() || result->accepted != batch.size()) {
      return state.SkipWithError("RecordEvents failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatchSize);
}

// The ingest service on a fresh database, served on 127.0.0.1 (a free port)
// by this process. Destroyed in reverse order: server, then core, then store.
struct IngestServer {
  TempDir dir;
  std::unique_ptr<Store> store;
  prometheus::Registry registry;
  std::unique_ptr<ingest::IngestMetrics> metrics;
  std::unique_ptr<ingest::IngestCore> core;
  // The serving binary's default caps (a stream's batch takes a place, each
  // read waits under an idle timer), as reachrank-ingest runs.
  services::InFlightLimit limit{services::CallLimits{}, "bench", &registry};
  std::unique_ptr<ingest::IngestServiceImpl> service;
  std::unique_ptr<services::GrpcServer> server;
  std::unique_ptr<v1::IngestService::Stub> stub;
};

// Null when the store or the server cannot start.
std::unique_ptr<IngestServer> StartIngestServer() {
  auto s = std::make_unique<IngestServer>();
  auto store = Store::Open(BenchOptions(s->dir.path()));
  if (!store.ok() || !(*store)->PutPosts(MakePosts()).ok()) return nullptr;
  s->store = std::move(*store);
  s->metrics = std::make_unique<ingest::IngestMetrics>(s->registry);
  ingest::IngestCoreOptions options;
  options.now = [] { return kNow; };
  s->core = std::make_unique<ingest::IngestCore>(*s->store, nullptr,
                                                 *s->metrics, options);
  s->service = std::make_unique<ingest::IngestServiceImpl>(*s->core, &s->limit);
  services::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = services::GrpcServer::Start(
      server_options,
      {{v1::IngestService::service_full_name(), s->service.get()}}, {});
  if (!server.ok()) return nullptr;
  s->server = std::move(*server);
  s->server->SetServing(true);
  s->stub = v1::IngestService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(s->server->port()),
                          grpc::InsecureChannelCredentials()));
  return s;
}

// Streams `requests` in one RecordEvents call; the accepted count.
uint64_t StreamEvents(v1::IngestService::Stub& stub,
                      const std::vector<v1::RecordEventsRequest>& requests) {
  grpc::ClientContext context;
  v1::RecordEventsResponse response;
  auto writer = stub.RecordEvents(&context, &response);
  for (const v1::RecordEventsRequest& r : requests) {
    if (!writer->Write(r)) break;
  }
  writer->WritesDone();
  if (!writer->Finish().ok()) return 0;
  return response.accepted();
}

void BM_ServiceRecordEvents(benchmark::State& state) {
  std::unique_ptr<IngestServer> server = StartIngestServer();
  if (server == nullptr) return state.SkipWithError("server failed");
  EventSource source;
  std::vector<v1::RecordEventsRequest> requests(kStreamBatches);
  for (auto _ : state) {
    state.PauseTiming();
    for (v1::RecordEventsRequest& r : requests) {
      r.Clear();
      for (v1::EngagementEvent& e : source.Next()) {
        *r.add_events() = std::move(e);
      }
    }
    state.ResumeTiming();
    if (StreamEvents(*server->stub, requests) !=
        uint64_t{kStreamBatches} * kBatchSize) {
      return state.SkipWithError("RecordEvents stream failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * kStreamBatches * kBatchSize);
}

// What the raw loop knows of a post, kept in memory.
struct RawPost {
  std::string platform, author_id, topic_id;
};

// A raw RocksDB database with the store's column families and options.
class RawDb {
 public:
  explicit RawDb(const std::string& path)
      : setup_(MakeRocksSetup(BenchOptions(path))) {
    rocksdb::DB* db = nullptr;
    ok_ = rocksdb::DB::Open(setup_.db_options, path, setup_.families, &handles_,
                            &db)
              .ok();
    db_.reset(db);
  }
  ~RawDb() {
    for (auto* h : handles_) {
      db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    }
  }
  bool ok() const { return ok_; }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Cf c) { return handles_[c]; }

 private:
  RocksSetup setup_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
  bool ok_ = false;
};

// Adds one event's writes to `wb`. With `rows` set, counter deltas are
// summed into it instead (one map per counter family) and merged later.
using Rows = absl::flat_hash_map<std::string, Counters>;
void RawEvent(RawDb& raw, const v1::EngagementEvent& e, const RawPost& post,
              const std::string& marker, rocksdb::WriteBatch* wb,
              Rows* rows /* [4] or null */) {
  Counters c;
  c.Add(EventCell(e.surface(), e.relation(), e.type()),
        e.count() == 0 ? 1 : e.count());
  if (e.watch_ms() != 0)
    c.Add(WatchCell(e.surface(), e.relation()), e.watch_ms());
  const int64_t s = e.at().seconds();
  const std::string keys[4] = {
      e.post_id(),
      keys::PostHourKey(e.post_id(), static_cast<int32_t>(s / 3600)),
      keys::DayKey(post.platform, post.author_id,
                   static_cast<int32_t>(s / 86400)),
      keys::DayKey(post.platform, post.topic_id,
                   static_cast<int32_t>(s / 86400))};
  const Cf families[4] = {kCfPostCounters, kCfPostHourCounters,
                          kCfAuthorDayCounters, kCfTopicDayCounters};
  wb->Put(raw.cf(kCfDedup), e.event_id(), marker).PermitUncheckedError();
  if (rows != nullptr) {
    for (int i = 0; i < 4; ++i) rows[i][keys[i]].AddAll(c);
    return;
  }
  const std::string delta = c.Encode();
  for (int i = 0; i < 4; ++i) {
    wb->Merge(raw.cf(families[i]), keys[i], delta).PermitUncheckedError();
  }
}

void RawWrite(RawDb& raw, const std::vector<v1::EngagementEvent>& batch,
              const std::map<std::string, RawPost>& posts,
              const std::string& marker, bool aggregate,
              rocksdb::WriteBatch* wb) {
  Rows rows[4];
  for (const v1::EngagementEvent& e : batch) {
    RawEvent(raw, e, posts.at(e.post_id()), marker, wb,
             aggregate ? rows : nullptr);
  }
  const Cf families[4] = {kCfPostCounters, kCfPostHourCounters,
                          kCfAuthorDayCounters, kCfTopicDayCounters};
  for (int i = 0; i < 4; ++i) {
    for (const auto& [key, counters] : rows[i]) {
      wb->Merge(raw.cf(families[i]), key, counters.Encode())
          .PermitUncheckedError();
    }
  }
}

void RawBench(benchmark::State& state, bool aggregate) {
  TempDir dir;
  RawDb raw(dir.path());
  if (!raw.ok()) return state.SkipWithError("open failed");
  std::map<std::string, RawPost> posts;
  rocksdb::WriteBatch load;
  for (const PostRecord& r : MakePosts()) {
    posts[r.post().post_id()] = {r.post().platform(), r.post().author_id(),
                                 r.topics(0).topic_id()};
    load.Put(raw.cf(kCfPosts), r.post().post_id(), r.SerializeAsString())
        .PermitUncheckedError();
  }
  if (!raw.db()->Write(rocksdb::WriteOptions(), &load).ok()) {
    return state.SkipWithError("posts");
  }
  const std::string marker = keys::DedupValue(absl::ToUnixMillis(kNow));
  EventSource source;
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<v1::EngagementEvent> batch = source.Next();
    state.ResumeTiming();
    rocksdb::WriteBatch wb;
    RawWrite(raw, batch, posts, marker, aggregate, &wb);
    if (!raw.db()->Write(rocksdb::WriteOptions(), &wb).ok()) {
      return state.SkipWithError("write failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatchSize);
}
void BM_RawWriteBatch(benchmark::State& state) { RawBench(state, false); }
void BM_RawWriteBatchAggregated(benchmark::State& state) {
  RawBench(state, true);
}
// Every benchmark writes `batches` batches of kBatchSize events per run
// (the service in streams of kStreamBatches).
void Register(int batches) {
  using benchmark::RegisterBenchmark;
  RegisterBenchmark("BM_StoreRecordEvents", BM_StoreRecordEvents)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(batches);
  RegisterBenchmark("BM_ServiceRecordEvents", BM_ServiceRecordEvents)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(std::max(1, batches / kStreamBatches))
      ->UseRealTime();
  RegisterBenchmark("BM_RawWriteBatch", BM_RawWriteBatch)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(batches);
  RegisterBenchmark("BM_RawWriteBatchAggregated", BM_RawWriteBatchAggregated)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(batches);
}

// Takes --batches=N (N >= 1) out of argv; false when it is malformed.
bool TakeBatchesFlag(int* argc, char** argv, int* batches) {
  int kept = 1;
  bool ok = true;
  for (int i = 1; i < *argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--batches=")) {
      ok = ok && absl::SimpleAtoi(arg, batches) && *batches >= 1;
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  return ok;
}

// Console output plus the items_per_second of every run, by name prefix.
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end() && !run.error_occurred) {
        rates_[run.benchmark_name()] = it->second.value;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  // The median over repetitions when there are several, else the one run.
  double Rate(const std::string& prefix) const {
    double first = 0;
    for (const auto& [name, rate] : rates_) {
      if (name.rfind(prefix, 0) != 0) continue;
      if (absl::EndsWith(name, "_median")) return rate;
      if (first == 0) first = rate;
    }
    return first;
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace
}  // namespace reachrank::storage

int main(int argc, char** argv) {
  int batches = reachrank::storage::kDefaultBatches;
  if (!reachrank::storage::TakeBatchesFlag(&argc, argv, &batches)) {
    std::fprintf(stderr, "ingest_bench: --batches=N needs N >= 1\n");
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  reachrank::storage::Register(batches);
  reachrank::storage::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double store = reporter.Rate("BM_StoreRecordEvents");
  for (const char* baseline :
       {"BM_RawWriteBatch/", "BM_RawWriteBatchAggregated/"}) {
    const double raw = reporter.Rate(baseline);
    if (store > 0 && raw > 0) {
      std::printf("ingest ratio store / %s: %.1f%% (%.0f vs %.0f events/s)\n",
                  baseline, 100.0 * store / raw, store, raw);
    }
  }
  benchmark::Shutdown();
  return 0;
}
