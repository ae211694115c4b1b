#include "services/cli/ingest_sink.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/cli/command.h"

namespace reachrank::cli {
namespace {

constexpr size_t kUpsertBatch = 1000;
constexpr size_t kEventsPerRequest = 10000;  // the service's limit

void SetDeadline(grpc::ClientContext& context, absl::Duration d) {
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(d));
}

absl::Status FromGrpc(const grpc::Status& s, absl::string_view call) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(call, ": ", s.error_message()));
}

// The first rejected item of an upsert response, as an error.
absl::Status FirstRejection(
    const google::protobuf::RepeatedPtrField<v1::ItemStatus>& statuses) {
  for (const v1::ItemStatus& s : statuses) {
    if (s.code() != 0) {
      return absl::Status(
          static_cast<absl::StatusCode>(s.code()),
          absl::StrCat("item ", s.index(), " (", s.id(), ") ", s.field(), ": ",
                       s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

IngestSink::IngestSink(std::shared_ptr<grpc::Channel> channel,
                       absl::Duration deadline)
    : stub_(v1::IngestService::NewStub(channel)), deadline_(deadline) {}

absl::Status IngestSink::Authors(absl::Span<const v1::Author> authors) {
  for (size_t i = 0; i < authors.size(); i += kUpsertBatch) {
    v1::UpsertAuthorsRequest request;
    for (size_t j = i; j < std::min(authors.size(), i + kUpsertBatch); ++j) {
      *request.add_authors() = authors[j];
    }
    v1::UpsertAuthorsResponse response;
    grpc::ClientContext context;
    SetDeadline(context, deadline_);
    absl::Status s = FromGrpc(
        stub_->UpsertAuthors(&context, request, &response), "UpsertAuthors");
    if (s.ok()) s = FirstRejection(response.statuses());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status IngestSink::Posts(absl::Span<const v1::Post> posts) {
  for (size_t i = 0; i < posts.size(); i += kUpsertBatch) {
    v1::UpsertPostsRequest request;
    for (size_t j = i; j < std::min(posts.size(), i + kUpsertBatch); ++j) {
      *request.add_posts() = posts[j];
    }
    v1::UpsertPostsResponse response;
    grpc::ClientContext context;
    SetDeadline(context, deadline_);
    absl::Status s = FromGrpc(stub_->UpsertPosts(&context, request, &response),
                              "UpsertPosts");
    if (s.ok()) s = FirstRejection(response.statuses());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status IngestSink::Events(absl::Span<const v1::EngagementEvent> events) {
  v1::RecordEventsResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  auto writer = stub_->RecordEvents(&context, &response);
  for (size_t i = 0; i < events.size(); i += kEventsPerRequest) {
    v1::RecordEventsRequest request;
    for (size_t j = i; j < std::min(events.size(), i + kEventsPerRequest);
         ++j) {
      *request.add_events() = events[j];
    }
    if (!writer->Write(request)) break;  // Finish says why
  }
  writer->WritesDone();
  absl::Status s = FromGrpc(writer->Finish(), "RecordEvents");
  if (!s.ok()) return s;
  duplicates_ += response.duplicates();
  if (response.rejected() > 0) {
    const v1::ItemStatus& first = response.rejections(0);
    return absl::InvalidArgumentError(
        absl::StrCat(response.rejected(), " events rejected; first: ",
                     first.id(), " ", first.field(), ": ", first.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> IngestSink::DeleteAuthors(
    absl::Span<const storage::AuthorId> authors) {
  v1::DeleteAuthorsRequest request;
  for (const storage::AuthorId& id : authors) {
    v1::AuthorRef* ref = request.add_authors();
    ref->set_platform(id.platform);
    ref->set_author_id(id.author_id);
  }
  v1::DeleteAuthorsResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  RR_RETURN_IF_ERROR(FromGrpc(
      stub_->DeleteAuthors(&context, request, &response), "DeleteAuthors"));
  RR_RETURN_IF_ERROR(FirstRejection(response.statuses()));
  return static_cast<int64_t>(response.posts_deleted());
}

absl::StatusOr<std::unique_ptr<ShardedIngest>> ShardedIngest::Connect(
    const std::vector<std::string>& servers,
    const services::ClientTlsOptions& security, absl::Duration deadline) {
  RR_RETURN_IF_ERROR(CheckShardList("--server", servers));
  RR_ASSIGN_OR_RETURN(auto credentials,
                      services::MakeChannelCredentials(security));
  std::unique_ptr<ShardedIngest> out(new ShardedIngest());
  std::vector<sim::SimSink*> shards;
  for (const std::string& server : servers) {
    out->shards_.push_back(std::make_unique<IngestSink>(
        grpc::CreateChannel(server, credentials), deadline));
    shards.push_back(out->shards_.back().get());
  }
  if (shards.size() > 1) {
    out->sharded_ = std::make_unique<sim::ShardedSink>(std::move(shards));
  }
  return out;
}

sim::SimSink& ShardedIngest::sink() {
  if (sharded_ != nullptr) return *sharded_;
  return *shards_.front();
}

void ShardedIngest::ForgetPosts() {
  if (sharded_ != nullptr) sharded_->ForgetPosts();
}

uint64_t ShardedIngest::duplicates() const {
  uint64_t sum = 0;
  for (const auto& shard : shards_) sum += shard->duplicates();
  return sum;
}

}  // namespace reachrank::cli
