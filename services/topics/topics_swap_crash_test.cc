// A topic-model swap interrupted by SIGKILL. `reachrank topics train --out
// DIR` runs against the directory a reachrank-topics process serves and is
// killed at random moments; after every kill DIR must still load (an empty
// ReloadModel re-reads it) with either the old model or the complete new
// one, and classify; at the end a fresh process starts on DIR.
// REACHRANK_SWAP_ROUNDS (default 5) sets the number of training runs.
#include <grpcpp/client_context.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/topics/topics_test_process.h"

#ifndef REACHRANK_CLI_BINARY
#error "REACHRANK_CLI_BINARY must name the reachrank binary"
#endif

namespace reachrank {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::TopicsProcess;

int Rounds() {
  const char* env = std::getenv("REACHRANK_SWAP_ROUNDS");
  return env == nullptr ? 5 : std::max(1, std::atoi(env));
}

// A small, deterministic training run (one thread, no Han model).
std::vector<std::string> TrainArgs(const std::string& out) {
  const std::string data = REACHRANK_SIB200_DIR;
  return {"topics",
          "train",
          "--data",
          data + "/eng_Latn/train.tsv",
          data + "/deu_Latn/train.tsv",
          "--taxonomy",
          data + "/taxonomy.tsv",
          "--no-han-model",
          "--threads",
          "1",
          "--epoch",
          "5",
          "--dim",
          "16",
          "--bucket",
          "200000",
          "--name",
          "swap",
          "--out",
          out};
}

// Runs `reachrank topics train` into `out`, killing it after `kill_after`
// unless it exits first. True when it was killed while still running.
bool TrainUntil(const std::string& out, absl::Duration kill_after,
                const std::string& log) {
  auto child = ChildProcess::Spawn(REACHRANK_CLI_BINARY, TrainArgs(out), log);
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return false;
  absl::StatusOr<int> status = (*child)->Wait(kill_after);
  if (status.ok()) {
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "training failed, see " << log;
    return false;
  }
  (*child)->Kill();
  return true;
}

// The version `dir` holds, read by the server itself (an empty reload).
std::string ReloadVersion(TopicsProcess& server) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::TopicServiceReloadModelResponse response;
  grpc::Status s = server.stub().ReloadModel(&context, {}, &response);
  return s.ok() ? response.model_version() : "error: " + s.error_message();
}

void ExpectClassifies(TopicsProcess& server, const std::string& version) {
  v1::ClassifyRequest request;
  request.add_items()->set_text("The team won the final match of the season.");
  v1::ClassifyResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  ASSERT_TRUE(server.stub().Classify(&context, request, &response).ok());
  EXPECT_EQ(response.model_version(), version);
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_GE(response.results(0).topics_size(), 1);
}

int StagingDirs(const std::string& model) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(model).parent_path())) {
    n += absl::StartsWith(e.path().filename().string(), "model.staging-");
  }
  return n;
}

TEST(TopicsSwapCrashTest, KilledTrainingLeavesALoadableModel) {
  absl::StatusOr<std::string> scratch = testing::MakeTempDir("topics-swap");
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  const std::string model = *scratch + "/model";
  fs::copy(REACHRANK_TOPICS_MODEL_DIR, model, fs::copy_options::recursive);

  // One uninterrupted run: how long training takes, and the version it
  // makes (training is deterministic, so every complete run makes it).
  const absl::Time start = absl::Now();
  ASSERT_FALSE(TrainUntil(*scratch + "/probe", absl::Minutes(5),
                          *scratch + "/probe.log"));
  const absl::Duration took = absl::Now() - start;
  auto probe = TopicsProcess::Start(*scratch + "/probe", *scratch + "/p.log");
  ASSERT_TRUE(probe.ok()) << probe.status();
  const std::string new_version = ReloadVersion(**probe);
  probe->reset();

  auto server = TopicsProcess::Start(model, *scratch + "/topics.log");
  ASSERT_TRUE(server.ok()) << server.status();
  std::string version = ReloadVersion(**server);
  ASSERT_NE(version, new_version);
  std::mt19937 rng(std::random_device{}());
  // The first kill lands mid-way, the others anywhere from the start to
  // just past a normal run's end.
  std::uniform_real_distribution<double> when(0.0, 1.1);
  int killed = 0;
  const int rounds = Rounds();
  for (int round = 0; round < rounds; ++round) {
    const bool was_killed =
        TrainUntil(model, took * (round == 0 ? 0.5 : when(rng)),
                   absl::StrCat(*scratch, "/train-", round, ".log"));
    killed += was_killed;
    const std::string now = ReloadVersion(**server);
    if (!was_killed) {
      EXPECT_EQ(now, new_version) << "round " << round;
    } else {
      EXPECT_TRUE(now == version || now == new_version)
          << "round " << round << ": " << now;
    }
    ExpectClassifies(**server, now);
    version = now;
  }
  // A run that completed may have followed the last kill, so the stale
  // staging directory of that kill can be all that is left.
  EXPECT_LE(StagingDirs(model), 1);
  EXPECT_GE(killed, 1) << "no run was interrupted";
  std::cout << "[ swap ] " << rounds << " training runs, " << killed
            << " killed mid-way, training takes " << took << "\n";

  server->reset();
  auto fresh = TopicsProcess::Start(model, *scratch + "/fresh.log");
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ExpectClassifies(**fresh, version);
}

}  // namespace
}  // namespace reachrank
