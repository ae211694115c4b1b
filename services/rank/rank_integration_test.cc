// Starts the real reachrank-topics, reachrank-ingest (the writer) and
// reachrank-rank (a secondary reader) on free loopback ports over one
// database, fills it with `reachrank simulate --server`, and talks to rank
// with the generated stubs.
#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "reachrank/v1/ranking.grpc.pb.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"
#include "services/topics/topics_test_models.h"
#include "services/topics/topics_test_process.h"

namespace reachrank::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPost[] = "post-00000000";  // the simulator's first post

// A reachrank-rank process on free loopback ports.
struct RankProcess {
  std::unique_ptr<ChildProcess> process;
  std::string address;
  int metrics_port = 0;
  std::unique_ptr<v1::RankingService::Stub> stub;
};

absl::StatusOr<std::unique_ptr<RankProcess>> StartRank(
    const std::string& db, const std::string& topics, const std::string& dir) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a port may be taken
    absl::StatusOr<int> port = PickFreePort();
    absl::StatusOr<int> metrics_port = PickFreePort();
    if (!port.ok() || !metrics_port.ok()) return absl::UnavailableError("port");
    auto child =
        ChildProcess::Spawn(REACHRANK_RANK_BINARY,
                            {"--listen", Loopback(*port), "--metrics-listen",
                             Loopback(*metrics_port), "--db", db,
                             "--secondary-dir", dir + "/rank-secondary",
                             "--topics", topics, "--catch-up-interval", "100",
                             "--insecure"},
                            dir + "/rank.log");
    if (!child.ok()) return child.status();
    last = WaitForServing(Loopback(*port), absl::Seconds(60));
    if (!last.ok()) continue;
    auto p = std::make_unique<RankProcess>();
    p->process = std::move(*child);
    p->address = Loopback(*port);
    p->metrics_port = *metrics_port;
    p->stub = v1::RankingService::NewStub(
        grpc::CreateChannel(p->address, grpc::InsecureChannelCredentials()));
    return p;
  }
  return last;
}

// `reachrank simulate --server` into ingest: 40 people over the 20 days
// that ended yesterday. The exit status must be 0.
absl::Status Simulate(const std::string& ingest, const std::string& log) {
  const std::string start = absl::FormatTime(
      "%Y-%m-%d", absl::Now() - absl::Hours(24 * 21), absl::UTCTimeZone());
  auto child = ChildProcess::Spawn(REACHRANK_CLI_BINARY,
                                   {"simulate", "--server", ingest, "--people",
                                    "40", "--days", "20", "--start", start},
                                   log);
  if (!child.ok()) return child.status();
  absl::StatusOr<int> status = (*child)->Wait(absl::Minutes(4));
  if (!status.ok()) return status.status();
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(absl::StrCat("simulate exit status ", *status));
  }
  return absl::OkStatus();
}

// created_at of a stored post + `after`, through the ingest service.
google::protobuf::Timestamp CreatedPlus(v1::IngestService::Stub& ingest,
                                        const std::string& post_id,
                                        absl::Duration after) {
  v1::GetPostStatsRequest request;
  request.set_post_id(post_id);
  v1::GetPostStatsResponse response;
  grpc::ClientContext context;
  EXPECT_TRUE(ingest.GetPostStats(&context, request, &response).ok());
  google::protobuf::Timestamp t = response.post().created_at();
  t.set_seconds(t.seconds() + absl::ToInt64Seconds(after));
  return t;
}

bool HasCjk(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

// One set of processes for the whole suite: filling the database is the
// slow part.
class RankIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = MakeTempDir("rank_it");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = new std::string(*dir);
    auto topics =
        TopicsProcess::Start(DefaultTopicModel(), *dir_ + "/topics.log");
    ASSERT_TRUE(topics.ok()) << topics.status();
    topics_ = topics->release();
    auto ingest = IngestProcess::Start(*dir_ + "/db", *dir_ + "/ingest.log",
                                       {"--topics", topics_->address()});
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = ingest->release();
    absl::Status filled = Simulate(ingest_->address(), *dir_ + "/sim.log");
    ASSERT_TRUE(filled.ok()) << filled << " (logs in " << *dir_ << ")";
    auto rank = StartRank(*dir_ + "/db", topics_->address(), *dir_);
    ASSERT_TRUE(rank.ok()) << rank.status() << " (logs in " << *dir_ << ")";
    rank_ = rank->release();
  }
  static void TearDownTestSuite() {
    delete rank_;
    delete ingest_;
    delete topics_;
    rank_ = nullptr;
    ingest_ = nullptr;
    topics_ = nullptr;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(rank_, nullptr); }

  static grpc::Status Score(const v1::ScoreRequest& request,
                            v1::ScoreResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return rank_->stub->Score(&context, request, response);
  }
  static grpc::Status Rank(const v1::RankRequest& request,
                           v1::RankResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return rank_->stub->Rank(&context, request, response);
  }

  static std::string* dir_;
  static TopicsProcess* topics_;
  static IngestProcess* ingest_;
  static RankProcess* rank_;
};

std::string* RankIntegrationTest::dir_ = nullptr;
TopicsProcess* RankIntegrationTest::topics_ = nullptr;
IngestProcess* RankIntegrationTest::ingest_ = nullptr;
RankProcess* RankIntegrationTest::rank_ = nullptr;

void ExpectWellFormed(const v1::ReachScore& s) {
  EXPECT_GT(s.p_reach(), 0) << s.id();
  EXPECT_LT(s.p_reach(), 1) << s.id();
  EXPECT_GT(s.expected_stranger_impressions(), 0);
  EXPECT_EQ(s.model_version(), "prior-v1");
  double sum = 0;
  for (const auto& [surface, share] : s.surface_mix()) {
    v1::Surface parsed;
    EXPECT_TRUE(v1::Surface_Parse(surface, &parsed)) << surface;
    sum += share;
  }
  EXPECT_NEAR(sum, 1, 1e-6);
}

TEST_F(RankIntegrationTest, HealthAndReflectionNameTheService) {
  EXPECT_EQ(*HealthStatus(rank_->address, "reachrank.v1.RankingService"),
            "SERVING");
  auto names = ReflectionServices(rank_->address);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_NE(
      std::find(names->begin(), names->end(), "reachrank.v1.RankingService"),
      names->end());
}

// Scored as of two hours after it was published: its fate is still open.
// (Scored now, a post that already reached 1,000 strangers has p_reach 1.)
TEST_F(RankIntegrationTest, ScoresAStoredPostWithReasonsInThreeLanguages) {
  for (const char* language : {"en", "de", "zh"}) {
    v1::ScoreRequest request;
    request.set_post_id(kPost);
    *request.mutable_as_of() =
        CreatedPlus(ingest_->stub(), kPost, absl::Hours(2));
    request.set_explain(true);
    request.set_language(language);
    v1::ScoreResponse response;
    grpc::Status s = Score(request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.score().id(), kPost);
    ExpectWellFormed(response.score());
    EXPECT_GE(response.score().topics_size(), 1);
    ASSERT_GE(response.score().reasons_size(), 1) << language;
    for (const v1::Reason& r : response.score().reasons()) {
      EXPECT_FALSE(r.message().empty());
      EXPECT_EQ(HasCjk(r.message()), std::string(language) == "zh")
          << language << ": " << r.message();
    }
  }
}

TEST_F(RankIntegrationTest, ScoresADraftClassifiedByTheTopicService) {
  v1::ScoreRequest request;
  v1::Draft* d = request.mutable_draft();
  d->set_draft_id("draft-1");
  d->set_platform("tiktok");
  d->set_author_id("nobody-yet");
  d->set_text("The striker scored twice in the cup final.");
  d->set_media_kind(v1::MEDIA_KIND_VIDEO);
  d->set_duration_seconds(40);
  v1::ScoreResponse response;
  grpc::Status s = Score(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.score().id(), "draft-1");
  ExpectWellFormed(response.score());
  ASSERT_GE(response.score().topics_size(), 1);
  EXPECT_EQ(response.score().topics(0).topic_id(), "sports");

  // A caption that names no topic: its hashtags reach the topic service.
  d->set_draft_id("draft-2");
  d->set_text("Was für ein Abend!");
  d->add_hashtags("FootballMatch");
  d->add_hashtags("champions_league");
  s = Score(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(response.score().topics_size(), 1);
  EXPECT_EQ(response.score().topics(0).topic_id(), "sports");
}

TEST_F(RankIntegrationTest, RanksCandidatesAndListsUnknownIds) {
  v1::RankRequest request;
  for (int i = 0; i < 10; ++i) {
    request.add_post_ids(absl::StrCat("post-0000000", i));
  }
  request.add_post_ids("post-not-there");
  // An hour after the last of them was published (ids follow creation).
  *request.mutable_as_of() =
      CreatedPlus(ingest_->stub(), "post-00000009", absl::Hours(1));
  request.set_limit(3);
  v1::RankResponse response;
  grpc::Status s = Rank(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.scores_size(), 3);
  for (int i = 0; i < 3; ++i) ExpectWellFormed(response.scores(i));
  EXPECT_GE(response.scores(0).p_reach(), response.scores(1).p_reach());
  EXPECT_GE(response.scores(1).p_reach(), response.scores(2).p_reach());
  EXPECT_THAT(response.unknown_post_ids(),
              ::testing::ElementsAre("post-not-there"));
}

// Polls Rank for `post_id` (at most 600 tries) until it is known and its
// score satisfies `ready`; returns its p_reach, or -1 when it never did.
double PReachOnce(v1::RankingService::Stub& stub, const std::string& post_id,
                  const std::function<bool(const v1::ReachScore&)>& ready) {
  for (int i = 0; i < 600; ++i) {
    v1::RankRequest request;
    request.add_post_ids(post_id);
    v1::RankResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (stub.Rank(&context, request, &response).ok() &&
        response.scores_size() == 1 && ready(response.scores(0))) {
      return response.scores(0).p_reach();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return -1;
}

TEST_F(RankIntegrationTest, WritesAfterStartupBecomeVisibleAfterCatchUp) {
  v1::IngestService::Stub& ingest = ingest_->stub();
  v1::UpsertAuthorsRequest authors;
  *authors.add_authors() = MakeAuthor("author-1");
  v1::UpsertAuthorsResponse authors_done;
  grpc::ClientContext c1;
  ASSERT_TRUE(ingest.UpsertAuthors(&c1, authors, &authors_done).ok());
  v1::UpsertPostsRequest posts;
  *posts.add_posts() = MakePost("late-post", "How to: fix a flat tyre");
  v1::UpsertPostsResponse posts_done;
  grpc::ClientContext c2;
  ASSERT_TRUE(ingest.UpsertPosts(&c2, posts, &posts_done).ok());

  // Unknown to rank until its next catch-up, then scored. Classified too:
  // a post stored before its topic is known (a slow topic call) changes its
  // score when the background pass classifies it, which must not be taken
  // for the events below.
  const double before =
      PReachOnce(*rank_->stub, "late-post",
                 [](const v1::ReachScore& s) { return s.topics_size() > 0; });
  ASSERT_GT(before, 0) << "late-post never became visible, classified";

  v1::RecordEventsRequest batch;
  *batch.add_events() =
      MakeEvent("late-1", "late-post", v1::EVENT_TYPE_IMPRESSION,
                v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER, 50000);
  *batch.add_events() =
      MakeEvent("late-2", "late-post", v1::EVENT_TYPE_COMPLETE,
                v1::SURFACE_RECOMMENDED, v1::RELATION_STRANGER, 30000);
  v1::RecordEventsResponse recorded;
  grpc::Status s = SendEvents(ingest, {batch}, &recorded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(recorded.accepted(), 2u);

  // 50,000 stranger impressions, most of them completed, raise the score
  // (the 0.01 margin ignores the tiny drift of the post's age between calls).
  const double after =
      PReachOnce(*rank_->stub, "late-post", [before](const v1::ReachScore& s) {
        return std::abs(s.p_reach() - before) > 0.01;
      });
  EXPECT_GT(after, before);
}

TEST_F(RankIntegrationTest, BrokenModelIsRefusedAndPriorsKeepServing) {
  const std::string broken = *dir_ + "/broken-model";
  std::filesystem::create_directories(broken + "/draft");
  std::ofstream(broken + "/draft/metadata.json") << "{ not json";
  v1::RankingServiceReloadModelRequest request;
  request.set_model_dir(broken);
  v1::RankingServiceReloadModelResponse response;
  grpc::ClientContext context;
  grpc::Status s = rank_->stub->ReloadModel(&context, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr(broken));
  // The log says who asked and why it was refused.
  std::ifstream log(*dir_ + "/rank.log");
  const std::string logged(std::istreambuf_iterator<char>(log), {});
  EXPECT_THAT(logged,
              HasSubstr("reachrank-rank: ReloadModel from ipv4:127.0.0.1:"));
  EXPECT_THAT(logged, HasSubstr("FAILED_PRECONDITION: model_dir: " + broken +
                                " refused: "));

  v1::ScoreRequest score;
  score.set_post_id(kPost);
  v1::ScoreResponse scored;
  ASSERT_TRUE(Score(score, &scored).ok());
  EXPECT_EQ(scored.score().model_version(), "prior-v1");
}

TEST_F(RankIntegrationTest, MetricsShowScoresModelCandidatesAndLag) {
  v1::RankRequest request;
  request.add_post_ids(kPost);
  request.add_post_ids("missing-for-metrics");
  v1::RankResponse response;
  ASSERT_TRUE(Rank(request, &response).ok());
  auto body = ScrapeMetrics(rank_->metrics_port);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_GE(*MetricValue(*body, "reachrank_rank_scores_count{kind=\"post\"}"),
            1);
  EXPECT_GE(*MetricValue(*body,
                         "reachrank_rank_scores_bucket{kind=\"post\","
                         "le=\"1\"}"),
            1);
  EXPECT_EQ(
      *MetricValue(*body, "reachrank_model_info{model_version=\"prior-v1\"}"),
      1);
  EXPECT_GE(*MetricValue(*body,
                         "reachrank_rank_candidates_total{result=\"unknown\"}"),
            1);
  absl::StatusOr<double> lag =
      MetricValue(*body, "reachrank_rank_catch_up_lag_seconds");
  ASSERT_TRUE(lag.ok()) << lag.status();
  EXPECT_GE(*lag, 0);
  EXPECT_GE(*MetricValue(*body,
                         "grpc_server_handled_total{grpc_code=\"OK\","
                         "grpc_method=\"Rank\",grpc_service="
                         "\"reachrank.v1.RankingService\",grpc_type="
                         "\"unary\"}"),
            1);
}

// Last: SIGHUP reloads the model (the priors again) and rank keeps serving;
// SIGTERM stops it.
TEST_F(RankIntegrationTest, ZzSighupReloadsAndSigtermExitsCleanly) {
  ASSERT_TRUE(rank_->process->Signal(SIGHUP).ok());
  double reloads = 0;
  // The load at start counts too.
  for (int i = 0; i < 600 && reloads < 2; ++i) {
    auto body = ScrapeMetrics(rank_->metrics_port);
    ASSERT_TRUE(body.ok()) << body.status();
    reloads = MetricValue(*body, "reachrank_rank_reloads_total{result=\"ok\"}")
                  .value_or(0);
    if (reloads < 2) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(reloads, 2);
  EXPECT_EQ(*HealthStatus(rank_->address, "reachrank.v1.RankingService"),
            "SERVING");

  ASSERT_TRUE(rank_->process->Signal(SIGTERM).ok());
  absl::StatusOr<int> status = rank_->process->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

// The whole text of `path` ("" when it cannot be read).
std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A reachrank-rank on free loopback ports over `dir`/db, which does not
// exist yet, with --wait-for-db `wait_s`, once it logs that it waits.
struct WaitingRank {
  std::unique_ptr<ChildProcess> process;
  std::string address;
  std::string log;
};

absl::StatusOr<WaitingRank> StartWaitingRank(const std::string& dir,
                                             const std::string& wait_s) {
  absl::StatusOr<int> port = PickFreePort();
  absl::StatusOr<int> metrics_port = PickFreePort();
  if (!port.ok() || !metrics_port.ok()) return absl::UnavailableError("port");
  WaitingRank rank{nullptr, Loopback(*port), dir + "/rank.log"};
  auto child = ChildProcess::Spawn(
      REACHRANK_RANK_BINARY,
      {"--listen", rank.address, "--metrics-listen", Loopback(*metrics_port),
       "--db", dir + "/db", "--secondary-dir", dir + "/rank-secondary",
       "--wait-for-db", wait_s, "--insecure"},
      rank.log);
  if (!child.ok()) return child.status();
  rank.process = *std::move(child);
  const std::string waiting =
      absl::StrCat("waiting up to ", wait_s, " s for the ingest service");
  for (int i = 0; i < 300; ++i) {
    if (absl::StrContains(ReadAll(rank.log), waiting)) return rank;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError("no wait logged: " + ReadAll(rank.log));
}

// SIGTERM, then the exit status within `timeout`.
absl::StatusOr<int> Stop(ChildProcess& process, absl::Duration timeout) {
  if (absl::Status s = process.Signal(SIGTERM); !s.ok()) return s;
  return process.Wait(timeout);
}

// On a new volume the ingest and rank services start together: rank waits
// for the database ingest creates instead of exiting.
TEST(RankStartTest, WaitsForTheIngestServiceToCreateTheDatabase) {
  auto dir = MakeTempDir("rank_wait");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto rank = StartWaitingRank(*dir, "120");
  ASSERT_TRUE(rank.ok()) << rank.status();
  auto ingest = IngestProcess::Start(*dir + "/db", *dir + "/ingest.log");
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  EXPECT_TRUE(WaitForServing(rank->address, absl::Seconds(60)).ok())
      << ReadAll(rank->log);
  absl::StatusOr<int> status = Stop(*rank->process, absl::Seconds(30));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

// A database directory that exists but cannot be opened yet (CURRENT
// written, the rest not: the ingest service creating it) is retried for a
// few seconds, logged, then the error is the exit status 1.
TEST(RankStartTest, RetriesADatabaseFoundButNotReadable) {
  auto dir = MakeTempDir("rank_unreadable");
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::filesystem::create_directories(*dir + "/db");
  std::ofstream(*dir + "/db/CURRENT") << "MANIFEST-000001\n";
  absl::StatusOr<int> port = PickFreePort();
  absl::StatusOr<int> metrics_port = PickFreePort();
  ASSERT_TRUE(port.ok() && metrics_port.ok());
  const std::string log = *dir + "/rank.log";
  auto rank = ChildProcess::Spawn(
      REACHRANK_RANK_BINARY,
      {"--listen", Loopback(*port), "--metrics-listen", Loopback(*metrics_port),
       "--db", *dir + "/db", "--secondary-dir", *dir + "/rank-secondary",
       "--wait-for-db", "120", "--insecure"},
      log);
  ASSERT_TRUE(rank.ok()) << rank.status();
  absl::StatusOr<int> status = (*rank)->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.ok()) << status.status() << ReadAll(log);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << *status;
  EXPECT_THAT(ReadAll(log), ::testing::HasSubstr(absl::StrCat(
                                "database ", *dir, "/db not readable (")));
  EXPECT_THAT(ReadAll(log),
              ::testing::HasSubstr("); retrying for 3s in case it is being "
                                   "created"));
}

// A stop while it waits for the database ends it at once (a pod's grace
// period is shorter than --wait-for-db's default), exit status 0.
TEST(RankStartTest, StopsWhileWaitingForTheDatabase) {
  auto dir = MakeTempDir("rank_wait_stop");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto rank = StartWaitingRank(*dir, "3600");
  ASSERT_TRUE(rank.ok()) << rank.status();
  absl::StatusOr<int> status = Stop(*rank->process, absl::Seconds(60));
  ASSERT_TRUE(status.ok()) << status.status() << ReadAll(rank->log);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_THAT(ReadAll(rank->log),
              ::testing::HasSubstr("stopped while waiting for the database"));
}

// The database at --db replaced by another while rank runs (a restore, a
// new volume): RocksDB would assert in the next catch-up; rank drains and
// exits 1 naming the database, so that its supervisor starts it on the new
// one.
TEST(RankStartTest, ExitsWhenItsDatabaseIsReplaced) {
  auto dir = MakeTempDir("rank_replaced");
  ASSERT_TRUE(dir.ok()) << dir.status();
  auto rank = StartWaitingRank(*dir, "120");
  ASSERT_TRUE(rank.ok()) << rank.status();
  auto first = IngestProcess::Start(*dir + "/db", *dir + "/ingest.log");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(WaitForServing(rank->address, absl::Seconds(60)).ok())
      << ReadAll(rank->log);
  ASSERT_TRUE((*first)->Terminate(absl::Seconds(30)).ok());
  std::filesystem::remove_all(*dir + "/db");
  auto second = IngestProcess::Start(*dir + "/db", *dir + "/ingest2.log");
  ASSERT_TRUE(second.ok()) << second.status();

  absl::StatusOr<int> status = rank->process->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.ok()) << status.status() << ReadAll(rank->log);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1)
      << *status << ReadAll(rank->log);
  const std::string log = ReadAll(rank->log);
  EXPECT_THAT(log, ::testing::HasSubstr("was replaced"));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("Assertion")));
}

}  // namespace
}  // namespace reachrank::testing
