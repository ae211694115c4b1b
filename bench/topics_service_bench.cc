// topics_service_bench: texts/s through reachrank.v1.TopicService's
// ClassifyStream over loopback gRPC against TopicsCore called in-process,
// same model (the build's default), same texts (SIB-200's test split,
// en+de+zh, 612 sentences), same batch sizes. The server runs in this
// process on 127.0.0.1 (a free port); each benchmark thread has its own
// stream and sends one message at a time. Ratios are in docs/benchmarks.md.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "prometheus/registry.h"
#include "services/common/server_runner.h"
#include "services/topics/topics_core.h"
#include "services/topics/topics_service.h"
#include "topics/dataset.h"

namespace reachrank::topics_service {
namespace {

struct Fixture {
  prometheus::Registry registry;
  std::unique_ptr<TopicsMetrics> metrics;
  std::unique_ptr<TopicsCore> core;
  std::unique_ptr<TopicServiceImpl> service;
  std::unique_ptr<services::GrpcServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::vector<topics::TextItem> items;  // language left to detection
};

Fixture* Load() {
  auto f = std::make_unique<Fixture>();
  f->metrics = std::make_unique<TopicsMetrics>(f->registry);
  f->core =
      std::make_unique<TopicsCore>(REACHRANK_TOPICS_MODEL_DIR, *f->metrics);
  f->core->Reload().value();
  f->service = std::make_unique<TopicServiceImpl>(*f->core);
  f->server =
      services::GrpcServer::Start(
          {"127.0.0.1:0"},
          {{v1::TopicService::service_full_name(), f->service.get()}}, {})
          .value();
  f->server->SetServing(true);
  f->channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(f->server->port()),
                          grpc::InsecureChannelCredentials());
  for (const char* language : {"eng_Latn", "deu_Latn", "zho_Hans"}) {
    std::vector<topics::Example> examples =
        topics::ReadExamples(std::string(REACHRANK_SIB200_DIR) + "/" +
                             language + "/test.tsv")
            .value();
    for (topics::Example& e : examples) {
      f->items.push_back({"", std::move(e.text), ""});
    }
  }
  return f.release();
}

Fixture& Get() {
  static Fixture* fixture = Load();  // leaked: the server runs until exit
  return *fixture;
}

// The i-th batch of `n` texts, cycling through the corpus.
std::vector<topics::TextItem> Batch(const Fixture& f, size_t i, size_t n) {
  std::vector<topics::TextItem> batch;
  for (size_t k = 0; k < n; ++k) {
    batch.push_back(f.items[(i * n + k) % f.items.size()]);
  }
  return batch;
}

// Baseline: TopicsCore::ClassifyBatch in-process.
void BM_CoreInProcess(benchmark::State& state) {
  Fixture& f = Get();
  const size_t n = state.range(0);
  size_t i = 0;
  for (auto _ : state) {
    auto batch = Batch(f, i++, n);
    benchmark::DoNotOptimize(f.core->ClassifyBatch(batch, 3).value());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// One request message per iteration on a long-lived stream.
void BM_ClassifyStream(benchmark::State& state) {
  Fixture& f = Get();
  const size_t n = state.range(0);
  auto stub = v1::TopicService::NewStub(f.channel);
  std::vector<v1::ClassifyStreamRequest> requests(16);
  for (size_t i = 0; i < requests.size(); ++i) {
    for (const topics::TextItem& item : Batch(f, i, n)) {
      requests[i].add_items()->set_text(item.text);
    }
  }
  grpc::ClientContext context;
  auto stream = stub->ClassifyStream(&context);
  v1::ClassifyStreamResponse response;
  size_t i = 0;
  for (auto _ : state) {
    if (!stream->Write(requests[i++ % requests.size()]) ||
        !stream->Read(&response)) {
      state.SkipWithError("stream broke");
      break;
    }
  }
  stream->WritesDone();
  stream->Finish().ok();
  state.SetItemsProcessed(state.iterations() * n);
}

BENCHMARK(BM_CoreInProcess)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime();
BENCHMARK(BM_ClassifyStream)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime();
BENCHMARK(BM_ClassifyStream)->Arg(100)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace reachrank::topics_service

BENCHMARK_MAIN();
