#include "services/ingest/ingest_test_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"

#ifndef REACHRANK_INGEST_BINARY
#error "REACHRANK_INGEST_BINARY must name the reachrank-ingest binary"
#endif

namespace reachrank::testing {
namespace {

void Now(google::protobuf::Timestamp* t) {
  t->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
}

}  // namespace

absl::StatusOr<std::unique_ptr<IngestProcess>> IngestProcess::Start(
    const std::string& db, const std::string& log_path,
    const std::vector<std::string>& extra_args) {
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto grpc_port = PickFreePort();
    auto metrics_port = PickFreePort();
    if (!grpc_port.ok()) return grpc_port.status();
    if (!metrics_port.ok()) return metrics_port.status();
    std::vector<std::string> args = {"--listen",
                                     Loopback(*grpc_port),
                                     "--metrics-listen",
                                     Loopback(*metrics_port),
                                     "--db",
                                     db,
                                     "--insecure"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto child = ChildProcess::Spawn(REACHRANK_INGEST_BINARY, args, log_path);
    if (!child.ok()) return child.status();
    last = WaitForServing(Loopback(*grpc_port), absl::Seconds(30));
    if (!last.ok()) continue;  // ~ChildProcess kills it
    auto p = std::unique_ptr<IngestProcess>(new IngestProcess);
    p->process_ = std::move(*child);
    p->address_ = Loopback(*grpc_port);
    p->metrics_port_ = *metrics_port;
    p->stub_ = v1::IngestService::NewStub(
        grpc::CreateChannel(p->address_, grpc::InsecureChannelCredentials()));
    return p;
  }
  return last;
}

absl::Status IngestProcess::Terminate(absl::Duration timeout) {
  if (absl::Status s = process_->Signal(SIGTERM); !s.ok()) return s;
  absl::StatusOr<int> status = process_->Wait(timeout);
  if (!status.ok()) return status.status();
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(absl::StrCat("exit status ", *status));
  }
  return absl::OkStatus();
}

v1::Post MakePost(const std::string& post_id, const std::string& text) {
  v1::Post p;
  p.set_post_id(post_id);
  p.set_platform("douyin");
  p.set_author_id("author-1");
  Now(p.mutable_created_at());
  p.set_text(text);
  p.set_language("en");
  p.set_media_kind(v1::MEDIA_KIND_VIDEO);
  p.set_duration_seconds(30);
  return p;
}

v1::Author MakeAuthor(const std::string& author_id) {
  v1::Author a;
  a.set_platform("douyin");
  a.set_author_id(author_id);
  a.set_followers(100);
  return a;
}

v1::EngagementEvent MakeEvent(const std::string& event_id,
                              const std::string& post_id, v1::EventType type,
                              v1::Surface surface, v1::Relation relation,
                              uint32_t count) {
  v1::EngagementEvent e;
  e.set_event_id(event_id);
  e.set_post_id(post_id);
  e.set_type(type);
  e.set_surface(surface);
  e.set_relation(relation);
  Now(e.mutable_at());
  e.set_count(count);
  return e;
}

grpc::Status SendEvents(v1::IngestService::Stub& stub,
                        const std::vector<v1::RecordEventsRequest>& batches,
                        v1::RecordEventsResponse* response,
                        absl::Duration deadline) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  auto writer = stub.RecordEvents(&context, response);
  for (const v1::RecordEventsRequest& batch : batches) {
    if (!writer->Write(batch)) break;  // the server ended the stream
  }
  writer->WritesDone();
  return writer->Finish();
}

}  // namespace reachrank::testing
