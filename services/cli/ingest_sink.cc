#include "services/cli/ingest_sink.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace reachrank::cli {
namespace {

constexpr size_t kUpsertBatch = 1000;

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
      return absl::InvalidArgumentError(
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
  v1::RecordEventsRequest request;
  for (const v1::EngagementEvent& e : events) *request.add_events() = e;
  v1::RecordEventsResponse response;
  grpc::ClientContext context;
  SetDeadline(context, deadline_);
  auto writer = stub_->RecordEvents(&context, &response);
  writer->Write(request);
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

}  // namespace reachrank::cli
