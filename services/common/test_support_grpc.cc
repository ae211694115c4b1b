// Health and reflection probes for tests. gRPC 1.51 installs no generated
// code for grpc.health.v1 or grpc.reflection.v1alpha, so the few fields
// needed are encoded by hand and decoded as unknown fields.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/sync_stream.h>

#include "absl/synchronization/notification.h"
#include "services/common/test_support.h"

namespace reachrank::testing {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// A message holding one string field `number` = `value`.
std::string StringField(int number, const std::string& value) {
  std::string out;
  google::protobuf::io::StringOutputStream raw(&out);
  google::protobuf::io::CodedOutputStream coded(&raw);
  coded.WriteTag((number << 3) | 2);
  coded.WriteVarint32(static_cast<uint32_t>(value.size()));
  coded.WriteString(value);
  coded.Trim();
  return out;
}

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

}  // namespace

absl::StatusOr<std::string> CallRaw(const std::string& address,
                                    const std::string& method,
                                    const std::string& request) {
  grpc::GenericStub stub(Channel(address));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::ByteBuffer buffer = ToBuffer(request);
  grpc::ByteBuffer response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&context, method, {}, &buffer, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return FromBuffer(response);
}

absl::StatusOr<std::string> HealthStatus(const std::string& address,
                                         const std::string& service) {
  absl::StatusOr<std::string> response =
      CallRaw(address, "/grpc.health.v1.Health/Check",
              service.empty() ? "" : StringField(1, service));
  if (!response.ok()) return response.status();
  UnknownFieldSet fields;
  if (!fields.ParseFromString(*response)) {
    return absl::InternalError("unparsable HealthCheckResponse");
  }
  int64_t value = 0;  // absent field: UNKNOWN
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == 1) value = fields.field(i).varint();
  }
  static const char* const kNames[] = {"UNKNOWN", "SERVING", "NOT_SERVING",
                                       "SERVICE_UNKNOWN"};
  return value >= 0 && value < 4 ? kNames[value] : "UNKNOWN";
}

absl::Status WaitForServing(const std::string& address, absl::Duration timeout,
                            const std::string& service) {
  absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<std::string> last;
  while (absl::Now() < deadline) {
    last = HealthStatus(address, service);
    if (last.ok() && *last == "SERVING") return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      "not SERVING at " + address + ": " +
      (last.ok() ? *last : last.status().ToString()));
}

absl::StatusOr<std::vector<std::string>> ReflectionServices(
    const std::string& address) {
  auto channel = Channel(address);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
      stream(grpc::internal::ClientReaderWriterFactory<
             grpc::ByteBuffer, grpc::ByteBuffer>::Create(channel.get(), method,
                                                         &context));
  stream->Write(ToBuffer(StringField(7, "")));  // list_services = ""
  stream->WritesDone();
  grpc::ByteBuffer answer;
  bool got = stream->Read(&answer);
  grpc::Status status = stream->Finish();
  if (!got || !status.ok()) {
    return absl::UnavailableError("reflection failed: " +
                                  status.error_message());
  }
  // ServerReflectionResponse.list_services_response (6) ->
  // ListServiceResponse.service (1) -> ServiceResponse.name (1).
  UnknownFieldSet response;
  response.ParseFromString(FromBuffer(answer));
  std::vector<std::string> names;
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() != 6) continue;
    UnknownFieldSet list;
    list.ParseFromString(response.field(i).length_delimited());
    for (int j = 0; j < list.field_count(); ++j) {
      UnknownFieldSet service;
      service.ParseFromString(list.field(j).length_delimited());
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) {
          names.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  return names;
}

}  // namespace reachrank::testing
