// all_in_one: every reachrank service in one process over one embedded
// database — what `reachrank serve` runs on a laptop and in tests. One gRPC
// server hosts the services on one port, one /metrics endpoint serves all
// their metrics, and the services call each other through their C++
// interfaces: ingest classifies new posts through the in-process topic
// core (topics::TopicClassifier), so a topic model reload reaches it too;
// the ranking service reads the same store (no secondary, no catch-up) and
// classifies drafts the same way.
//
// Adding a service is a member for its core and one for its gRPC adapter, built
// in Start() from the parts it borrows (store_, topics_), one entry in
// HostedServices(), and its model in ReloadModels().
#ifndef REACHRANK_SERVICES_SERVE_ALL_IN_ONE_H_
#define REACHRANK_SERVICES_SERVE_ALL_IN_ONE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/shard.h"
#include "ranking/scorer.h"
#include "services/common/grpc_server_metrics.h"
#include "services/common/in_flight_limit.h"
#include "services/common/metrics.h"
#include "services/common/server_runner.h"
#include "services/common/store_metrics.h"
#include "services/ingest/ingest_core.h"
#include "services/ingest/ingest_metrics.h"
#include "services/ingest/ingest_service.h"
#include "services/rank/rank_metrics.h"
#include "services/rank/rank_service.h"
#include "services/topics/topics_core.h"
#include "services/topics/topics_metrics.h"
#include "services/topics/topics_service.h"
#include "storage/store.h"

namespace reachrank::serve {

struct AllInOneOptions {
  // gRPC address of every service, host:port (port 0 picks a free one);
  // empty: no port, calls only through InProcessChannel().
  std::string listen = "127.0.0.1:50051";
  // Prometheus /metrics address, host:port (port 0 picks a free one);
  // empty: no metrics endpoint.
  std::string metrics_listen = "127.0.0.1:9100";
  // The embedded database directory (created if missing).
  std::string data = "./reachrank-data";
  // Topic model directory; ReloadModels() reloads it.
  std::string topics_model;
  // Ranking model set directory ("": the priors); ReloadModels() reloads it.
  std::string rank_model;
  // fsync the write-ahead log on every write.
  bool sync = false;
  // The shard this database is: posts, authors and drafts of authors
  // another shard owns are refused (base/shard.h). 0/1: owns all.
  ShardSlice shard;
  size_t block_cache_bytes = 256ull << 20;
  // Passed to the store (StoreOptions::upgrade_progress).
  std::function<void(int64_t posts)> upgrade_progress{};
  // Pause between background passes over posts waiting for topics.
  absl::Duration reclassify_interval = absl::Seconds(5);
  // How long Shutdown() lets calls in flight finish.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // TLS certificates; an empty cert_file serves plaintext (`reachrank
  // serve` allows that only with --insecure).
  services::ServerTlsOptions tls{};
  // Per-call token check (services/common/auth.h); nullptr: none.
  std::shared_ptr<services::TokenAuthProcessor> auth{};
  // Calls one client connection may have open at once.
  int max_concurrent_streams = 100;
  // The caps of each of the three services (each has its own counts);
  // beyond them RESOURCE_EXHAUSTED.
  services::CallLimits limits{};
};

// The running services. Thread-safe: ReloadModels() may be called from any
// thread while calls are served; Shutdown() is idempotent.
class AllInOne {
 public:
  // Opens the database, loads the models, starts serving and only then
  // reports SERVING. UNAVAILABLE when an address cannot be bound, the
  // database's error when it cannot be opened, FAILED_PRECONDITION for a
  // model that cannot be loaded.
  static absl::StatusOr<std::unique_ptr<AllInOne>> Start(
      const AllInOneOptions& options);
  ~AllInOne();  // Shutdown()

  int port() const { return server_->port(); }
  // A channel to the services inside this process (see
  // GrpcServer::InProcessChannel); the only way in when `listen` is empty.
  std::shared_ptr<grpc::Channel> InProcessChannel() {
    return server_->InProcessChannel();
  }
  int metrics_port() const { return metrics_.port(); }
  // What opening the database did besides opening (an upgrade), for the
  // log; empty otherwise.
  const std::string& StoreOpenNote() const { return store_->open_note(); }
  // The model versions now serving, e.g. "topics sib200-ft-1a2b3c4d, rank
  // prior-v1".
  std::string ModelVersions() const;

  // Reloads every model from its configured directory; a refused model
  // keeps the old one serving and its error is returned.
  absl::Status ReloadModels();
  // Turns NOT_SERVING, lets calls in flight finish (up to the grace
  // period), stops background work, then flushes and closes the database.
  // Returns the flush error, if any.
  absl::Status Shutdown();

 private:
  explicit AllInOne(const AllInOneOptions& options);
  absl::Status OpenParts();
  absl::Status OpenRanking();
  std::vector<services::HostedService> HostedServices();

  const AllInOneOptions options_;
  // Declared in dependency order: destroyed in reverse.
  services::Metrics metrics_;
  services::GrpcServerMetrics grpc_metrics_{metrics_.registry()};
  topics_service::TopicsMetrics topics_metrics_{metrics_.registry()};
  ingest::IngestMetrics ingest_metrics_{metrics_.registry()};
  rank::RankMetrics rank_metrics_{metrics_.registry()};
  services::InFlightLimit topics_limit_{options_.limits,
                                        v1::TopicService::service_full_name(),
                                        &metrics_.registry()};
  services::InFlightLimit ingest_limit_{options_.limits,
                                        v1::IngestService::service_full_name(),
                                        &metrics_.registry()};
  services::InFlightLimit rank_limit_{options_.limits,
                                      v1::RankingService::service_full_name(),
                                      &metrics_.registry()};
  std::unique_ptr<storage::Store> store_;
  std::shared_ptr<services::StoreStatsCollector> store_collector_;
  std::unique_ptr<topics_service::TopicsCore> topics_;
  std::unique_ptr<topics_service::TopicServiceImpl> topic_service_;
  std::unique_ptr<ingest::IngestCore> ingest_;
  std::unique_ptr<ingest::IngestServiceImpl> ingest_service_;
  std::unique_ptr<ranking::Scorer> scorer_;
  std::unique_ptr<rank::RankingServiceImpl> rank_service_;
  std::unique_ptr<services::GrpcServer> server_;

  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace reachrank::serve

#endif  // REACHRANK_SERVICES_SERVE_ALL_IN_ONE_H_
