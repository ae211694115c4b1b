#include "sim/jsonl_sink.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/type_resolver_util.h"

namespace reachrank::sim {
namespace {

namespace pb = google::protobuf;

// MessageToJsonString prints map entries in hash order; going through a
// deterministic (key-sorted) binary encoding makes the output reproducible.
template <typename Message>
absl::Status WriteAll(absl::Span<const Message> messages, std::ofstream& out) {
  static pb::util::TypeResolver* resolver =
      pb::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", pb::DescriptorPool::generated_pool());
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string binary, line;
  for (const Message& m : messages) {
    binary.clear();
    line.clear();
    {
      pb::io::StringOutputStream stream(&binary);
      pb::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      m.SerializeToCodedStream(&coded);
    }
    const std::string type_url =
        "type.googleapis.com/" + m.GetDescriptor()->full_name();
    if (!pb::util::BinaryToJsonString(resolver, type_url, binary, &line,
                                      options).ok()) {
      return absl::InternalError("cannot print message as JSON");
    }
    out << line << '\n';
  }
  return out ? absl::OkStatus() : absl::DataLossError("write failed");
}

}  // namespace

absl::StatusOr<std::unique_ptr<JsonlSink>> JsonlSink::Open(
    const std::string& dir, bool with_truth) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat(dir, ": ", ec.message()));
  std::unique_ptr<JsonlSink> sink(new JsonlSink());
  sink->with_truth_ = with_truth;
  sink->authors_.open(dir + "/authors.jsonl");
  sink->posts_.open(dir + "/posts.jsonl");
  sink->events_.open(dir + "/events.jsonl");
  if (with_truth) sink->truth_.open(dir + "/truth.jsonl");
  if (!sink->authors_ || !sink->posts_ || !sink->events_ ||
      (with_truth && !sink->truth_)) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open output files in ", dir));
  }
  return sink;
}

absl::Status JsonlSink::Authors(absl::Span<const v1::Author> authors) {
  return WriteAll(authors, authors_);
}
absl::Status JsonlSink::Posts(absl::Span<const v1::Post> posts) {
  return WriteAll(posts, posts_);
}
absl::Status JsonlSink::Events(absl::Span<const v1::EngagementEvent> events) {
  return WriteAll(events, events_);
}

absl::Status JsonlSink::Truth(const PostTruth& t) {
  if (!with_truth_) return absl::OkStatus();
  truth_ << absl::StrFormat(
      "{\"post_id\":\"%s\",\"quality\":%.4f,\"utility\":%s,"
      "\"pools_passed\":%d,\"stranger_impressions_7d\":%d}\n",
      t.post_id, t.quality, t.utility ? "true" : "false", t.pools_passed,
      t.stranger_impressions_7d);
  return truth_ ? absl::OkStatus() : absl::DataLossError("write failed");
}

absl::Status JsonlSink::Close() {
  for (std::ofstream* f : {&authors_, &posts_, &events_, &truth_}) {
    if (f->is_open()) f->close();
    if (f->fail()) return absl::DataLossError("closing an output file failed");
  }
  return absl::OkStatus();
}

}  // namespace reachrank::sim
