// Starts the real reachrank-topics binary (and reachrank-ingest for the
// end-to-end path) on loopback and talks to it with the generated stubs.
#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/common/test_support.h"
#include "services/ingest/ingest_test_client.h"
#include "services/topics/topics_test_models.h"
#include "services/topics/topics_test_process.h"

namespace reachrank::testing {
namespace {

using ::testing::HasSubstr;

std::string NewDir(const std::string& name) {
  auto dir = MakeTempDir(name);
  EXPECT_TRUE(dir.ok()) << dir.status();
  return dir.ok() ? *dir : "";
}

v1::ClassifyRequest Request(const std::vector<std::string>& texts) {
  v1::ClassifyRequest request;
  for (size_t i = 0; i < texts.size(); ++i) {
    v1::ClassifyItem* item = request.add_items();
    item->set_id("t" + std::to_string(i));
    item->set_text(texts[i]);
  }
  return request;
}

grpc::Status Classify(v1::TopicService::Stub& stub,
                      const v1::ClassifyRequest& request,
                      v1::ClassifyResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  return stub.Classify(&context, request, response);
}

std::string ServingVersion(v1::TopicService::Stub& stub) {
  v1::ListTopicsResponse list;
  grpc::ClientContext context;
  grpc::Status s = stub.ListTopics(&context, {}, &list);
  return s.ok() ? list.model_version() : "error: " + s.error_message();
}

grpc::Status Reload(v1::TopicService::Stub& stub, const std::string& dir,
                    v1::TopicServiceReloadModelResponse* out) {
  v1::TopicServiceReloadModelRequest request;
  request.set_model_dir(dir);
  grpc::ClientContext context;
  return stub.ReloadModel(&context, request, out);
}

// One server for the read-only tests.
class TopicsIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(NewDir("topics_it"));
    auto server =
        TopicsProcess::Start(DefaultTopicModel(), *dir_ + "/topics.log");
    ASSERT_TRUE(server.ok()) << server.status() << " (log in " << *dir_ << ")";
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static std::string* dir_;
  static TopicsProcess* server_;
};

std::string* TopicsIntegrationTest::dir_ = nullptr;
TopicsProcess* TopicsIntegrationTest::server_ = nullptr;

TEST_F(TopicsIntegrationTest, HealthReflectionAndSevenTopicsWithNames) {
  EXPECT_EQ(*HealthStatus(server_->address(), "reachrank.v1.TopicService"),
            "SERVING");
  auto names = ReflectionServices(server_->address());
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_NE(
      std::find(names->begin(), names->end(), "reachrank.v1.TopicService"),
      names->end());
  v1::ListTopicsResponse list;
  grpc::ClientContext context;
  ASSERT_TRUE(server_->stub().ListTopics(&context, {}, &list).ok());
  EXPECT_THAT(list.model_version(), HasSubstr("-ft-"));
  ASSERT_EQ(list.topics_size(), 7);
  std::set<std::string> ids;
  for (const v1::Topic& t : list.topics()) {
    ids.insert(t.topic_id());
    EXPECT_EQ(t.display_names_size(), 3) << t.topic_id();
  }
  EXPECT_EQ(ids, (std::set<std::string>{"science/technology", "travel",
                                        "politics", "sports", "health",
                                        "entertainment", "geography"}));
  EXPECT_EQ(list.topics(3).display_names().at("en"), "Sports");
  EXPECT_EQ(list.topics(3).display_names().at("de"), "Sport");
  EXPECT_EQ(list.topics(3).display_names().at("zh"), "体育");
}

// Clear sentences of SIB-200's test split: (language dir, row in test.tsv
// counted from 0 after the header). The expected topic is the row's label.
struct Expected {
  const char* language_dir;
  const char* language;
  int row;
};
constexpr Expected kClearSentences[] = {
    {"eng_Latn", "en", 95},   // politics: "The Irish government is ..."
    {"eng_Latn", "en", 125},  // sports: "... Vidal had played 49 games ..."
    {"eng_Latn", "en", 56},   // travel
    {"deu_Latn", "de", 88},   // travel: "Freiwillige Arbeit auf Reisen ..."
    {"deu_Latn", "de", 2},    // science/technology: "Der Atomkern ..."
    {"deu_Latn", "de", 129},  // sports
    {"zho_Hans", "zh", 111},  // politics: "法国选举法 ..."
    {"zho_Hans", "zh", 141},  // sports: "冬季运动 ..."
    {"zho_Hans", "zh", 27},   // science/technology: "神经生物学 ..."
};

TEST_F(TopicsIntegrationTest, Sib200TestSentencesGetTheirTopic) {
  for (const Expected& e : kClearSentences) {
    auto examples = Sib200Test(e.language_dir);
    ASSERT_TRUE(examples.ok()) << examples.status();
    const topics::Example& example = examples->at(e.row);
    v1::ClassifyResponse response;
    ASSERT_TRUE(
        Classify(server_->stub(), Request({example.text}), &response).ok());
    ASSERT_EQ(response.results_size(), 1);
    const v1::ClassifyResult& r = response.results(0);
    EXPECT_EQ(r.language(), e.language) << example.text;
    ASSERT_GE(r.topics_size(), 1) << example.text;
    EXPECT_EQ(r.topics(0).topic_id(), example.topic) << example.text;
  }
}

TEST_F(TopicsIntegrationTest, BadInputGetsItsCode) {
  v1::ClassifyResponse response;
  grpc::Status s = Classify(server_->stub(),
                            Request({"fine", "bad \xc3\x28 utf8"}), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("items[1] (id \"t1\")"));

  s = Classify(server_->stub(), Request({std::string(16 * 1024 + 1, 'a')}),
               &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("items[0]"));

  s = Classify(server_->stub(), Request(std::vector<std::string>(1001, "text")),
               &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  v1::ClassifyResponse blank;
  s = Classify(server_->stub(), Request({"", " \n\t "}), &blank);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(blank.results_size(), 2);
  for (const v1::ClassifyResult& r : blank.results()) {
    EXPECT_EQ(r.topics_size(), 0);
    EXPECT_EQ(r.language(), "und");
  }
}

TEST_F(TopicsIntegrationTest, MetricsShowClassifiedTextsAndTheModel) {
  v1::ClassifyResponse response;
  ASSERT_TRUE(Classify(server_->stub(),
                       Request({"The striker scored twice in the cup final."}),
                       &response)
                  .ok());
  auto body = ScrapeMetrics(server_->metrics_port());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_GE(*MetricValue(*body,
                         "reachrank_topics_classified_total{language="
                         "\"en\",topic=\"sports\"}"),
            1);
  EXPECT_EQ(*MetricValue(*body, "reachrank_topics_model_info{model_version=\"" +
                                    response.model_version() + "\"}"),
            1);
  EXPECT_GE(*MetricValue(*body,
                         "grpc_server_handled_total{grpc_code=\"OK\","
                         "grpc_method=\"Classify\",grpc_service=\"reachrank."
                         "v1.TopicService\",grpc_type=\"unary\"}"),
            1);
  EXPECT_NE(body->find("reachrank_build_info{"), std::string::npos);
}

// Client threads that classify in a loop (at most kMaxCalls each, until
// Stop() or a deadline) and record failures and the versions that answered.
// Stops and joins its threads on destruction, also after a failed ASSERT.
class ClassifyingClients {
 public:
  static constexpr int kMaxCalls = 5000;

  ClassifyingClients(v1::TopicService::Stub& stub, int threads)
      : per_thread_(threads), deadline_(absl::Now() + absl::Seconds(90)) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, &stub, t] { Run(stub, t); });
    }
  }
  ~ClassifyingClients() { Stop(); }

  // Waits (bounded) until every thread has finished at least one call.
  void WaitUntilAllCalling() {
    for (const std::atomic<int>& n : per_thread_) {
      while (n.load() == 0 && absl::Now() < deadline_) {
        absl::SleepFor(absl::Milliseconds(5));
      }
    }
  }
  void Stop() {
    stop_.store(true);
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  int calls() const { return calls_.load(); }
  int failures() const { return failures_.load(); }
  std::set<std::string> versions() {
    absl::MutexLock lock(&mu_);
    return versions_;
  }

 private:
  void Run(v1::TopicService::Stub& stub, int t) {
    const v1::ClassifyRequest request =
        Request({"Die Mannschaft gewann das Finale.", "我们今天去北京旅行。",
                 "New vaccines protect against the flu."});
    for (int i = 0; i < kMaxCalls && absl::Now() < deadline_; ++i) {
      if (stop_.load() && i > 0) break;
      v1::ClassifyResponse response;
      grpc::Status s = Classify(stub, request, &response);
      calls_.fetch_add(1);
      per_thread_[t].fetch_add(1);
      if (!s.ok() || response.results_size() != 3) {
        failures_.fetch_add(1);
        continue;
      }
      absl::MutexLock lock(&mu_);
      versions_.insert(response.model_version());
    }
  }

  std::vector<std::atomic<int>> per_thread_;
  const absl::Time deadline_;
  std::atomic<bool> stop_{false};
  std::atomic<int> calls_{0}, failures_{0};
  absl::Mutex mu_;
  std::set<std::string> versions_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

// Polls (bounded) until the server answers with `version`; returns the
// last version seen.
std::string WaitForVersion(v1::TopicService::Stub& stub,
                           const std::string& version) {
  std::string now = ServingVersion(stub);
  for (int i = 0; i < 1500 && now != version; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    now = ServingVersion(stub);
  }
  return now;
}

// Client threads classifying in a loop while the model is reloaded by RPC
// and by SIGHUP: no call fails, and every answer names one of the models.
TEST(TopicsReloadTest, HotReloadUnderConcurrentCallsLosesNoCall) {
  std::string dir = NewDir("topics_reload");
  auto other = MakeRenamedTopicModel("other");
  ASSERT_TRUE(other.ok()) << other.status();
  auto server = TopicsProcess::Start(DefaultTopicModel(), dir + "/topics.log");
  ASSERT_TRUE(server.ok()) << server.status();
  v1::TopicService::Stub& stub = (*server)->stub();
  const std::string first = ServingVersion(stub);

  constexpr int kThreads = 4;
  ClassifyingClients clients(stub, kThreads);
  clients.WaitUntilAllCalling();  // reload only once every client is calling
  v1::TopicServiceReloadModelResponse out;
  ASSERT_TRUE(Reload(stub, *other, &out).ok());
  const std::string second = out.model_version();
  EXPECT_EQ(out.previous_model_version(), first);
  ASSERT_TRUE((*server)->process().Signal(SIGHUP).ok());  // back to --model
  EXPECT_EQ(WaitForVersion(stub, first), first);
  ASSERT_TRUE(Reload(stub, *other, &out).ok());
  ASSERT_TRUE(Reload(stub, "", &out).ok());
  EXPECT_EQ(out.model_version(), first);
  EXPECT_EQ(out.previous_model_version(), second);
  clients.Stop();

  EXPECT_EQ(clients.failures(), 0) << "of " << clients.calls() << " calls";
  EXPECT_GE(clients.calls(), kThreads);
  for (const std::string& v : clients.versions()) {
    EXPECT_TRUE(v == first || v == second) << v;
  }
  auto body = ScrapeMetrics((*server)->metrics_port());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*MetricValue(*body,
                         "reachrank_topics_reloads_total{result="
                         "\"ok\"}"),
            5);  // start, RPC, SIGHUP, RPC, RPC
  EXPECT_FALSE(MetricValue(*body,
                           "reachrank_topics_model_info{model_version="
                           "\"" +
                               second + "\"}")
                   .ok());
  EXPECT_TRUE((*server)->Terminate(absl::Seconds(30)).ok());
}

TEST(TopicsReloadTest, BrokenModelIsRefusedAndTheOldOneKeepsAnswering) {
  std::string dir = NewDir("topics_broken");
  auto broken = MakeBrokenTopicModel();
  ASSERT_TRUE(broken.ok()) << broken.status();
  auto server = TopicsProcess::Start(DefaultTopicModel(), dir + "/topics.log");
  ASSERT_TRUE(server.ok()) << server.status();
  v1::TopicService::Stub& stub = (*server)->stub();
  const std::string first = ServingVersion(stub);

  v1::TopicServiceReloadModelResponse out;
  grpc::Status s = Reload(stub, *broken, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr(*broken));
  EXPECT_THAT(s.error_message(), HasSubstr("model.bin"));
  EXPECT_THAT(s.error_message(), HasSubstr("still serving " + first));

  v1::ClassifyResponse response;
  ASSERT_TRUE(Classify(stub,
                       Request({"Der Bundestag stimmte über das Gesetz ab."}),
                       &response)
                  .ok());
  EXPECT_EQ(response.model_version(), first);
  EXPECT_EQ(ServingVersion(stub), first);
  EXPECT_EQ(*HealthStatus((*server)->address(), ""), "SERVING");
}

// A broken --model at start: the process exits with an error naming it.
TEST(TopicsStartTest, BrokenModelAtStartExitsWithAnError) {
  std::string dir = NewDir("topics_start");
  auto broken = MakeBrokenTopicModel();
  ASSERT_TRUE(broken.ok()) << broken.status();
  auto port = PickFreePort();
  auto metrics_port = PickFreePort();
  ASSERT_TRUE(port.ok() && metrics_port.ok());
  auto child =
      ChildProcess::Spawn(REACHRANK_TOPICS_BINARY,
                          {"--listen", Loopback(*port), "--metrics-listen",
                           Loopback(*metrics_port), "--model", *broken,
                           "--insecure"},
                          dir + "/topics.log");
  ASSERT_TRUE(child.ok()) << child.status();
  auto status = (*child)->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
}

// A post ingested while the topic service is down ends up classified once
// reachrank-topics starts on the configured address, with no client action.
TEST(IngestTopicsEndToEndTest, PendingPostsAreClassifiedWhenTopicsStarts) {
  std::string dir = NewDir("ingest_topics_e2e");
  auto topics_port = PickFreePort();
  ASSERT_TRUE(topics_port.ok());
  const std::string topics_address = Loopback(*topics_port);
  auto ingest = IngestProcess::Start(
      dir + "/db", dir + "/ingest.log",
      {"--topics", topics_address, "--reclassify-interval-ms", "100",
       "--topics-deadline-ms", "500"});
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  v1::UpsertPostsRequest request;
  *request.add_posts() =
      MakePost("e2e-1", "The national team won the football world cup final.");
  // The caption alone is no sports post; its hashtags make it one.
  v1::Post tagged = MakePost("e2e-2", "Was für ein Abend!");
  tagged.clear_language();  // detected, from the caption
  tagged.add_hashtags("FootballMatch");
  tagged.add_hashtags("champions_league");
  *request.add_posts() = tagged;
  v1::UpsertPostsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE((*ingest)->stub().UpsertPosts(&context, request, &response).ok());
  ASSERT_EQ(response.upserted(), 2u);

  auto stats = [&](v1::GetPostStatsResponse* out,
                   const std::string& id = "e2e-1") {
    v1::GetPostStatsRequest get;
    get.set_post_id(id);
    grpc::ClientContext c;
    return (*ingest)->stub().GetPostStats(&c, get, out);
  };
  v1::GetPostStatsResponse before;
  ASSERT_TRUE(stats(&before).ok());
  EXPECT_EQ(before.classification_state(), v1::CLASSIFICATION_STATE_PENDING);

  auto topics = TopicsProcess::Start(DefaultTopicModel(), dir + "/topics.log",
                                     topics_address);
  ASSERT_TRUE(topics.ok()) << topics.status();
  v1::GetPostStatsResponse after;
  v1::GetPostStatsResponse tagged_stats;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  for (int i = 0; i < 1200 && absl::Now() < deadline; ++i) {
    ASSERT_TRUE(stats(&after).ok());
    ASSERT_TRUE(stats(&tagged_stats, "e2e-2").ok());
    if (after.classification_state() == v1::CLASSIFICATION_STATE_CLASSIFIED &&
        tagged_stats.classification_state() ==
            v1::CLASSIFICATION_STATE_CLASSIFIED) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(after.classification_state(), v1::CLASSIFICATION_STATE_CLASSIFIED);
  ASSERT_GE(after.topics_size(), 1);
  EXPECT_EQ(after.topics(0).topic_id(), "sports");
  EXPECT_EQ(after.language(), "en");
  EXPECT_EQ(tagged_stats.classification_state(),
            v1::CLASSIFICATION_STATE_CLASSIFIED);
  ASSERT_GE(tagged_stats.topics_size(), 1);
  EXPECT_EQ(tagged_stats.topics(0).topic_id(), "sports");
  EXPECT_EQ(tagged_stats.language(), "de");  // the caption's
}

}  // namespace
}  // namespace reachrank::testing
