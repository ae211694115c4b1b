// Kills reachrank-ingest with SIGKILL at random moments while a client
// streams event batches, restarts it on the same database, retries every
// batch that was not acknowledged, and checks that every event is counted
// exactly once. REACHRANK_CRASH_ROUNDS sets the number of kills (default
// 5); REACHRANK_CRASH_SEED fixes the random seed.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "services/cli/cli_testing.h"
#include "services/ingest/ingest_test_client.h"

namespace reachrank::testing {
namespace {

constexpr int kPosts = 20;
constexpr int kEventsPerBatch = 50;
constexpr int kMaxBatchesPerRound = 5000;
constexpr int kMaxRetries = 20;

using Cell = std::tuple<int, int, int>;  // surface, relation, type
using Ledger = std::map<std::string, std::map<Cell, uint64_t>>;

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

struct Batch {
  v1::RecordEventsRequest request;
  bool acked = false;
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir("ingest_crash");
    ASSERT_TRUE(dir.ok());
    db_ = *dir + "/db";
    log_ = *dir + "/ingest.log";
    seed_ = EnvInt("REACHRANK_CRASH_SEED", std::random_device{}());
    rng_.seed(seed_);
    std::cerr << "crash test: seed " << seed_ << ", log " << log_ << "\n";
    Restart();
  }

  void Restart() {
    server_.reset();
    auto server = IngestProcess::Start(db_, log_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // A new batch of unique events; its counts go into the ledger.
  Batch NewBatch(int number) {
    Batch batch;
    std::uniform_int_distribution<int> post(0, kPosts - 1), type(1, 9),
        surface(1, 6), relation(1, 4), count(1, 5);
    for (int i = 0; i < kEventsPerBatch; ++i) {
      auto e =
          MakeEvent("b" + std::to_string(number) + "-" + std::to_string(i),
                    "cp-" + std::to_string(post(rng_)),
                    static_cast<v1::EventType>(type(rng_)),
                    static_cast<v1::Surface>(surface(rng_)),
                    static_cast<v1::Relation>(relation(rng_)), count(rng_));
      ledger_[e.post_id()][{e.surface(), e.relation(), e.type()}] += e.count();
      *batch.request.add_events() = std::move(e);
    }
    return batch;
  }

  // One RecordEvents call for the batch; true when acknowledged.
  bool Send(Batch& batch, v1::RecordEventsResponse* out) {
    grpc::Status s =
        SendEvents(server_->stub(), {batch.request}, out, absl::Seconds(5));
    batch.acked = s.ok();
    return batch.acked;
  }

  // Retries every unacknowledged batch. Each batch was committed as a whole
  // or not at all: its events are either all new or all duplicates.
  void RetryUnacknowledged() {
    for (Batch& batch : batches_) {
      for (int attempt = 0; !batch.acked && attempt < kMaxRetries; ++attempt) {
        v1::RecordEventsResponse out;
        if (!Send(batch, &out)) {
          absl::SleepFor(absl::Milliseconds(100));
          continue;
        }
        ASSERT_TRUE(out.accepted() == kEventsPerBatch ||
                    out.duplicates() == kEventsPerBatch)
            << "half-counted batch: accepted " << out.accepted()
            << ", duplicates " << out.duplicates();
        accepted_ += out.accepted();
        if (out.duplicates() == kEventsPerBatch) ++committed_unacked_;
      }
      ASSERT_TRUE(batch.acked) << "a batch was never acknowledged";
    }
  }

  // Every counter equals the client's ledger.
  void CheckLedger() {
    uint64_t ledger_events = 0;
    for (const auto& [post_id, cells] : ledger_) {
      v1::GetPostStatsRequest request;
      request.set_post_id(post_id);
      v1::GetPostStatsResponse stats;
      grpc::ClientContext context;
      ASSERT_TRUE(server_->stub().GetPostStats(&context, request, &stats).ok());
      std::map<Cell, uint64_t> got;
      for (const v1::Counter& c : stats.counters()) {
        got[{c.surface(), c.relation(), c.type()}] = c.count();
      }
      EXPECT_EQ(got, cells) << post_id;
      for (const auto& [cell, n] : cells) ledger_events += n;
    }
    // A batch committed just before a kill, whose acknowledgement was lost,
    // comes back as all duplicates on its retry.
    EXPECT_EQ(accepted_ + committed_unacked_ * kEventsPerBatch,
              batches_.size() * kEventsPerBatch);
    EXPECT_GT(ledger_events, 0u);
  }

  int seed_ = 0;
  std::mt19937 rng_;
  std::string db_, log_;
  std::unique_ptr<IngestProcess> server_;
  Ledger ledger_;
  std::vector<Batch> batches_;
  uint64_t accepted_ = 0;           // summed over every acknowledgement
  uint64_t committed_unacked_ = 0;  // batches counted before their ack
};

TEST_F(CrashTest, EveryAcknowledgedEventIsCountedExactlyOnce) {
  v1::UpsertPostsRequest posts;
  for (int i = 0; i < kPosts; ++i) {
    *posts.add_posts() = MakePost("cp-" + std::to_string(i), "post");
  }
  v1::UpsertPostsResponse upserted;
  grpc::ClientContext context;
  ASSERT_TRUE(server_->stub().UpsertPosts(&context, posts, &upserted).ok());
  ASSERT_EQ(upserted.upserted(), static_cast<uint32_t>(kPosts));

  const int rounds = EnvInt("REACHRANK_CRASH_ROUNDS", 5);
  std::uniform_int_distribution<int> delay_ms(20, 400);
  for (int round = 0; round < rounds; ++round) {
    pid_t pid = server_->process().pid();
    int delay = delay_ms(rng_);
    std::thread killer([pid, delay] {
      absl::SleepFor(absl::Milliseconds(delay));
      kill(pid, SIGKILL);
    });
    absl::Time stop = absl::Now() + absl::Seconds(20);
    for (int i = 0; i < kMaxBatchesPerRound && absl::Now() < stop; ++i) {
      batches_.push_back(NewBatch(batches_.size()));
      v1::RecordEventsResponse out;
      if (!Send(batches_.back(), &out)) break;  // the server is gone
      ASSERT_EQ(out.accepted(), static_cast<uint64_t>(kEventsPerBatch));
      accepted_ += out.accepted();
    }
    killer.join();
    ASSERT_TRUE(server_->process().Wait(absl::Seconds(10)).ok());
    Restart();
    RetryUnacknowledged();
    if (HasFatalFailure()) return;
  }
  CheckLedger();
  // The rows derived from each other agree too: each post's totals with
  // its hourly counters, the pending set with the posts (read live,
  // through a secondary instance).
  const cli::testing::CommandResult check = cli::testing::RunShell(
      absl::StrCat(cli::testing::ShellQuote(REACHRANK_CLI_BINARY),
                   " admin check --db ", cli::testing::ShellQuote(db_)));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find(absl::StrCat(": ", kPosts, " posts, ")),
            std::string::npos)
      << check.output;
  std::cerr << "crash test: " << rounds << " kills, " << batches_.size()
            << " batches (" << committed_unacked_
            << " committed before a lost ack), " << accepted_ << " events\n";
}

}  // namespace
}  // namespace reachrank::testing
