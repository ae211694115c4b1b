// ingest_service: reachrank.v1.IngestService over gRPC's callback API. The
// handlers only decode, call IngestCore and finish; RecordEvents commits
// each stream message as it arrives and answers with the stream's totals.
#ifndef REACHRANK_SERVICES_INGEST_INGEST_SERVICE_H_
#define REACHRANK_SERVICES_INGEST_INGEST_SERVICE_H_

#include "reachrank/v1/ingest.grpc.pb.h"
#include "services/common/in_flight_limit.h"
#include "services/ingest/ingest_core.h"

namespace reachrank::ingest {

// Every method whose request carries client strings takes raw bytes,
// decoded leniently (services/common/lenient_decode.h), so that invalid
// UTF-8 is refused by validation naming the item and field, not by a parse
// error; their messages are those of the API on the wire.
using IngestServiceBase = v1::IngestService::WithRawCallbackMethod_UpsertPosts<
    v1::IngestService::WithRawCallbackMethod_UpsertAuthors<
        v1::IngestService::WithRawCallbackMethod_RecordEvents<
            v1::IngestService::WithRawCallbackMethod_GetPostStats<
                v1::IngestService::WithRawCallbackMethod_DeleteAuthors<
                    v1::IngestService::WithCallbackMethod_ReclassifyPosts<
                        v1::IngestService::Service>>>>>>;

// Thread-safe (IngestCore is). Borrows `core` and `limit` (nullptr: no
// cap on calls in flight), which must outlive the server this service is
// registered with. Beyond the limit every call is RESOURCE_EXHAUSTED.
class IngestServiceImpl final : public IngestServiceBase {
 public:
  explicit IngestServiceImpl(IngestCore& core,
                             services::InFlightLimit* limit = nullptr)
      : core_(core), limit_(limit) {}

  // Request: UpsertPostsRequest; response: UpsertPostsResponse.
  grpc::ServerUnaryReactor* UpsertPosts(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  // Request: UpsertAuthorsRequest; response: UpsertAuthorsResponse.
  grpc::ServerUnaryReactor* UpsertAuthors(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
  // Messages: RecordEventsRequest in, RecordEventsResponse out. An error
  // in batch N ends the stream with that error; batches before it stay
  // committed (their events are reported as duplicates on a retry). A
  // message that is not a RecordEventsRequest even read leniently is such
  // an error (INVALID_ARGUMENT). A cancelled stream stops before its next
  // batch.
  grpc::ServerReadReactor<grpc::ByteBuffer>* RecordEvents(
      grpc::CallbackServerContext* context,
      grpc::ByteBuffer* response) override;
  // Request: GetPostStatsRequest; response: GetPostStatsResponse.
  grpc::ServerUnaryReactor* GetPostStats(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  // Request: DeleteAuthorsRequest; response: DeleteAuthorsResponse.
  grpc::ServerUnaryReactor* DeleteAuthors(grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) override;
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
