#include "services/cli/ingest_sink.h"

#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/cli/command.h"
#include "services/common/send_in_halves.h"

namespace reachrank::cli {
namespace {

constexpr size_t kUpsertBatch = 1000;
constexpr size_t kEventsPerRequest = 10000;  // the service's limit
// Half the server's message limit (services/common/server_runner.h).
constexpr size_t kMaxRequestBytes = 4 << 20;

void SetDeadline(grpc::ClientContext& context, absl::Duration d) {
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(d));
}

absl::Status FromGrpc(const grpc::Status& s, absl::string_view call) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(call, ": ", s.error_message()));
}

// The first rejected item of `statuses` (one per item, in order), as an
// error naming its place among all items sent: `offset` + its position.
absl::Status FirstRejection(absl::Span<const v1::ItemStatus> statuses,
                            size_t offset) {
  for (size_t i = 0; i < statuses.size(); ++i) {
    const v1::ItemStatus& s = statuses[i];
    if (s.code() != 0) {
      return absl::Status(static_cast<absl::StatusCode>(s.code()),
                          absl::StrCat("item ", offset + i, " (", s.id(), ") ",
                                       s.field(), ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

// Sends `items` kUpsertBatch at a time, each batch as one request while it
// is at most kMaxRequestBytes and in halves while it is not (long texts
// would pass the server's 8 MiB message limit). `add(request, item)` puts
// an item into a request; `call(request)` sends it and returns the
// response's statuses. Stops at the first error or rejected item.
template <typename Request, typename Item, typename Add, typename Call>
absl::Status UpsertAll(absl::Span<const Item> items, const Add& add,
                       const Call& call) {
  auto build = [&add](absl::Span<const Item> part) {
    Request request;
    for (const Item& item : part) add(request, item);
    return request;
  };
  auto send = [&call](const Request& request, size_t) { return call(request); };
  for (size_t i = 0; i < items.size(); i += kUpsertBatch) {
    RR_ASSIGN_OR_RETURN(std::vector<v1::ItemStatus> statuses,
                        services::SendInHalves(items.subspan(i, kUpsertBatch),
                                               kMaxRequestBytes, build, send));
    RR_RETURN_IF_ERROR(FirstRejection(statuses, i));
  }
  return absl::OkStatus();
}

template <typename Response>
std::vector<v1::ItemStatus> Statuses(const Response& response) {
  return {response.statuses().begin(), response.statuses().end()};
}

}  // namespace

IngestSink::IngestSink(std::shared_ptr<grpc::Channel> channel,
                       absl::Duration deadline)
    : stub_(v1::IngestService::NewStub(channel)), deadline_(deadline) {}

absl::Status IngestSink::Authors(absl::Span<const v1::Author> authors) {
  return UpsertAll<v1::UpsertAuthorsRequest>(
      authors,
      [](v1::UpsertAuthorsRequest& r, const v1::Author& a) {
        *r.add_authors() = a;
      },
      [this](const v1::UpsertAuthorsRequest& request)
          -> absl::StatusOr<std::vector<v1::ItemStatus>> {
        v1::UpsertAuthorsResponse response;
        grpc::ClientContext context;
        SetDeadline(context, deadline_);
        RR_RETURN_IF_ERROR(
            FromGrpc(stub_->UpsertAuthors(&context, request, &response),
                     "UpsertAuthors"));
        return Statuses(response);
      });
}

absl::Status IngestSink::Posts(absl::Span<const v1::Post> posts) {
  return UpsertAll<v1::UpsertPostsRequest>(
      posts,
      [](v1::UpsertPostsRequest& r, const v1::Post& p) { *r.add_posts() = p; },
      [this](const v1::UpsertPostsRequest& request)
          -> absl::StatusOr<std::vector<v1::ItemStatus>> {
        v1::UpsertPostsResponse response;
        grpc::ClientContext context;
        SetDeadline(context, deadline_);
        RR_RETURN_IF_ERROR(FromGrpc(
            stub_->UpsertPosts(&context, request, &response), "UpsertPosts"));
        return Statuses(response);
      });
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
  if (response.rejected() > 0 && refusals_ != nullptr) {
    for (const v1::ItemStatus& r : response.rejections()) {
      refusals_->named.push_back(
          {r.id(), absl::Status(static_cast<absl::StatusCode>(r.code()),
                                absl::StrCat(r.field(), ": ", r.message()))});
    }
    refusals_->unnamed +=
        static_cast<int64_t>(response.rejected()) - response.rejections_size();
    return absl::OkStatus();
  }
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
  RR_RETURN_IF_ERROR(FirstRejection(Statuses(response), 0));
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

void ShardedIngest::CollectRefusals(EventRefusals* out) {
  for (const auto& shard : shards_) shard->CollectRefusals(out);
}

uint64_t ShardedIngest::duplicates() const {
  uint64_t sum = 0;
  for (const auto& shard : shards_) sum += shard->duplicates();
  return sum;
}

}  // namespace reachrank::cli
