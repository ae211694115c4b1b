// ingest_service: reachrank.v1.IngestService over gRPC's callback API. The
// handlers only decode, call IngestCore and finish; RecordEvents commits
// each stream message as it arrives and answers with the stream's totals.
#ifndef REACHRANK_SERVICES_INGEST_INGEST_SERVICE_H_
#define REACHRANK_SERVICES_INGEST_INGEST_SERVICE_H_

#include "reachrank/v1/ingest.grpc.pb.h"
#include "services/common/in_flight_limit.h"
#include "services/ingest/ingest_core.h"

namespace reachrank::ingest {

// Thread-safe (IngestCore is). Borrows `core` and `limit` (nullptr: no
// cap on calls in flight), which must outlive the server this service is
// registered with. Beyond the limit every call is RESOURCE_EXHAUSTED.
class IngestServiceImpl final : public v1::IngestService::CallbackService {
 public:
  explicit IngestServiceImpl(IngestCore& core,
                             services::InFlightLimit* limit = nullptr)
      : core_(core), limit_(limit) {}

  grpc::ServerUnaryReactor* UpsertPosts(
      grpc::CallbackServerContext* context,
      const v1::UpsertPostsRequest* request,
      v1::UpsertPostsResponse* response) override;
  grpc::ServerUnaryReactor* UpsertAuthors(
      grpc::CallbackServerContext* context,
      const v1::UpsertAuthorsRequest* request,
      v1::UpsertAuthorsResponse* response) override;
  // An error in batch N ends the stream with that error; batches before it
  // stay committed (their events are reported as duplicates on a retry).
  // A cancelled stream stops before its next batch.
  grpc::ServerReadReactor<v1::RecordEventsRequest>* RecordEvents(
      grpc::CallbackServerContext* context,
      v1::RecordEventsResponse* response) override;
  grpc::ServerUnaryReactor* GetPostStats(
      grpc::CallbackServerContext* context,
      const v1::GetPostStatsRequest* request,
      v1::GetPostStatsResponse* response) override;
  grpc::ServerUnaryReactor* DeleteAuthors(
      grpc::CallbackServerContext* context,
      const v1::DeleteAuthorsRequest* request,
      v1::DeleteAuthorsResponse* response) override;
  // Runs IngestCore::Reclassify on a thread of its own (it waits on the
  // topic service for minutes) and streams its running totals; a
  // cancelled call or a client gone stops it before its next batch.
  grpc::ServerWriteReactor<v1::ReclassifyPostsResponse>* ReclassifyPosts(
      grpc::CallbackServerContext* context,
      const v1::ReclassifyPostsRequest* request) override;

 private:
  IngestCore& core_;
  services::InFlightLimit* const limit_;
};

}  // namespace reachrank::ingest

#endif  // REACHRANK_SERVICES_INGEST_INGEST_SERVICE_H_
