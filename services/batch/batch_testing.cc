#include "services/batch/batch_testing.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/server_builder.h"
#include "ranking/testing/sim_store.h"
#include "services/batch/importer.h"

namespace reachrank::batch::testing {
namespace {

class CollectSink : public sim::SimSink {
 public:
  explicit CollectSink(SimData* data) : data_(data) {}
  absl::Status Authors(absl::Span<const v1::Author> a) override {
    data_->authors.insert(data_->authors.end(), a.begin(), a.end());
    return absl::OkStatus();
  }
  absl::Status Posts(absl::Span<const v1::Post> p) override {
    data_->posts.insert(data_->posts.end(), p.begin(), p.end());
    return absl::OkStatus();
  }
  absl::Status Events(absl::Span<const v1::EngagementEvent> e) override {
    data_->events.insert(data_->events.end(), e.begin(), e.end());
    return absl::OkStatus();
  }

 private:
  SimData* data_;
};

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  // Serialising a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<storage::Store>> OpenImportStore(
    const std::string& path) {
  storage::StoreOptions options;
  options.path = path;
  options.dedup_window = kImportDedupWindow;
  return storage::Store::Open(options);
}

absl::StatusOr<SimData> Simulate(const sim::SimOptions& options) {
  RR_ASSIGN_OR_RETURN(const sim::Corpus* corpus,
                      ranking::testing::TestCorpus());
  SimData data;
  CollectSink sink(&data);
  RR_RETURN_IF_ERROR(sim::Simulate(options, *corpus, sink).status());
  return data;
}

absl::StatusOr<SimulatedStore> SimulateIntoStore(const std::string& path,
                                                 uint64_t seed, int people,
                                                 int days, absl::Time now) {
  sim::SimOptions options;
  options.seed = seed;
  options.people = people;
  options.days = days;
  SimulatedStore out;
  RR_ASSIGN_OR_RETURN(out.data, Simulate(options));
  RR_ASSIGN_OR_RETURN(out.store, OpenImportStore(path));
  RR_RETURN_IF_ERROR(out.store->PutAuthors(out.data.authors));
  std::vector<storage::PostRecord> records;
  for (const v1::Post& p : out.data.posts) {
    storage::PostRecord& r = records.emplace_back();
    *r.mutable_post() = p;
    r.set_language(p.language());
  }
  RR_RETURN_IF_ERROR(out.store->PutPosts(records).status());
  RR_RETURN_IF_ERROR(out.store->RecordEvents(out.data.events, now).status());
  return out;
}

std::vector<v1::Draft> DraftsFromPosts(const std::vector<v1::Post>& posts,
                                       size_t n) {
  std::vector<v1::Draft> drafts;
  for (size_t i = 0; i < posts.size() && i < n; ++i) {
    const v1::Post& p = posts[i];
    v1::Draft& d = drafts.emplace_back();
    d.set_draft_id(p.post_id());
    d.set_platform(p.platform());
    d.set_author_id(p.author_id());
    d.set_text(p.text());
    d.set_language(p.language());
    d.set_media_kind(p.media_kind());
    d.set_duration_seconds(p.duration_seconds());
    *d.mutable_hashtags() = p.hashtags();
  }
  return drafts;
}

std::string DraftsJsonl(const std::vector<v1::Draft>& drafts) {
  std::string out;
  for (const v1::Draft& d : drafts) absl::StrAppend(&out, ToJson(d), "\n");
  return out;
}

std::vector<std::string> ImportLines(const SimData& data) {
  using Cell = std::tuple<int, int, int>;  // surface, relation, type
  std::map<std::string, std::map<Cell, std::pair<uint64_t, int64_t>>> sums;
  for (const v1::EngagementEvent& e : data.events) {
    auto& cell = sums[e.post_id()][{e.surface(), e.relation(), e.type()}];
    cell.first += e.count() == 0 ? 1 : e.count();
    cell.second += e.watch_ms();
  }
  std::vector<std::string> lines;
  for (const v1::Post& p : data.posts) {
    std::string counts;
    for (const auto& [cell, sum] : sums[p.post_id()]) {
      absl::StrAppend(
          &counts, counts.empty() ? "" : ",", "{\"surface\":\"",
          v1::Surface_Name(static_cast<v1::Surface>(std::get<0>(cell))),
          "\",\"relation\":\"",
          v1::Relation_Name(static_cast<v1::Relation>(std::get<1>(cell))),
          "\",\"type\":\"",
          v1::EventType_Name(static_cast<v1::EventType>(std::get<2>(cell))),
          "\",\"count\":", sum.first, ",\"watch_ms\":", sum.second, "}");
    }
    lines.push_back(
        absl::StrCat("{\"post\":", ToJson(p), ",\"counts\":[", counts, "]}"));
  }
  return lines;
}

absl::StatusOr<std::vector<absl::StatusOr<v1::ReachScore>>>
FakeDraftScorer::Score(absl::Span<const v1::Draft> drafts, bool explain,
                       absl::string_view language) {
  std::vector<absl::StatusOr<v1::ReachScore>> out;
  for (const v1::Draft& d : drafts) {
    if (d.text() == "poison") {
      return absl::InvalidArgumentError("poison: the batch cannot be scored");
    }
    if (d.text() == "reject me") {
      out.push_back(absl::InvalidArgumentError("text: rejected"));
      continue;
    }
    v1::ReachScore s;
    s.set_id(d.draft_id());
    s.set_p_reach(static_cast<double>(std::hash<std::string>()(d.text()) %
                                      1000) / 1000.0);
    s.set_expected_stranger_impressions(s.p_reach() * 1000);
    (*s.mutable_surface_mix())["SURFACE_RECOMMENDED"] = 0.75;
    (*s.mutable_surface_mix())["SURFACE_FOLLOWING"] = 0.25;
    if (explain) {
      v1::Reason* r = s.add_reasons();
      r->set_factor("text");
      r->set_message(absl::StrCat("reason in ", language));
    }
    s.set_model_version("fake-v1");
    out.push_back(std::move(s));
  }
  return out;
}

// Answers each ScoreDrafts request with the DraftScorer.
class InProcessRankServer::Service final : public v1::RankingService::Service {
 public:
  explicit Service(DraftScorer& scorer) : scorer_(scorer) {}
  grpc::Status ScoreDrafts(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::ScoreDraftsResponse,
                               v1::ScoreDraftsRequest>* stream) override {
    for (v1::ScoreDraftsRequest request; stream->Read(&request);) {
      auto results = scorer_.Score(
          std::vector<v1::Draft>(request.drafts().begin(),
                                 request.drafts().end()),
          request.explain(), request.language());
      if (!results.ok()) {
        return grpc::Status(
            static_cast<grpc::StatusCode>(results.status().code()),
            std::string(results.status().message()));
      }
      v1::ScoreDraftsResponse response;
      for (size_t i = 0; i < results->size(); ++i) {
        const auto& r = (*results)[i];
        if (r.ok()) {
          *response.add_scores() = *r;
          continue;
        }
        v1::ItemStatus* e = response.add_errors();
        e->set_index(static_cast<uint32_t>(i));
        e->set_id(request.drafts(static_cast<int>(i)).draft_id());
        e->set_code(static_cast<int32_t>(r.status().code()));
        e->set_message(std::string(r.status().message()));
      }
      stream->Write(response);
    }
    return grpc::Status::OK;
  }

 private:
  DraftScorer& scorer_;
};

absl::StatusOr<std::unique_ptr<InProcessRankServer>> InProcessRankServer::Start(
    DraftScorer& scorer) {
  std::unique_ptr<InProcessRankServer> s(new InProcessRankServer());
  s->service_ = std::make_unique<Service>(scorer);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &s->port_);
  builder.RegisterService(s->service_.get());
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0) {
    return absl::UnavailableError("the test rank server did not start");
  }
  return s;
}

InProcessRankServer::~InProcessRankServer() {
  if (server_) server_->Shutdown();
}

std::string InProcessRankServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::vector<std::string> EarlyCountLines() {
  return {
      R"({"post":{"post_id":"s1","platform":"tiktok","author_id":"a1","text":"How to fix a bike chain","media_kind":"MEDIA_KIND_TEXT","created_at":"2026-01-02T10:30:00Z"},"counts":[{"surface":"RECOMMENDED","relation":"STRANGER","type":"IMPRESSION","count":50,"at":"2026-01-02T11:00:00Z"}]})",
      R"({"post":{"post_id":"s2","platform":"tiktok","author_id":"a1","text":"Packing for two weeks","media_kind":"MEDIA_KIND_TEXT","created_at":"2026-01-03T10:30:00Z"},"counts":[{"surface":"RECOMMENDED","relation":"STRANGER","type":"IMPRESSION","count":70,"at":"2026-01-03T11:00:00Z"},{"surface":"FOLLOWING","relation":"FOLLOWER","type":"LIKE","count":3,"at":"2026-01-03T08:00:00Z"}]})",
      R"({"post":{"post_id":"s3","platform":"tiktok","author_id":"a1","text":"Tomato and egg","media_kind":"MEDIA_KIND_TEXT","created_at":"2026-01-04T10:30:00Z"},"counts":[{"surface":"RECOMMENDED","relation":"STRANGER","type":"IMPRESSION","count":90,"at":"2026-01-04T11:00:00Z"}]})",
  };
}

}  // namespace reachrank::batch::testing
