#include "services/common/lenient_decode.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/slice.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/stubs/logging.h"

namespace reachrank::services {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorProto;
using google::protobuf::FieldDescriptor;
using google::protobuf::FieldDescriptorProto;
using google::protobuf::FileDescriptor;
using google::protobuf::FileDescriptorProto;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Turns every `string` field of `message` (and of its nested types) into
// `bytes`: same field numbers, same wire encoding, no UTF-8 check. A map
// entry becomes a plain nested message, since a map key cannot be `bytes`;
// a map is a repeated entry message on the wire either way.
void StringsToBytes(DescriptorProto& message) {
  auto to_bytes = [](FieldDescriptorProto& field) {
    if (field.type() != FieldDescriptorProto::TYPE_STRING) return;
    field.set_type(FieldDescriptorProto::TYPE_BYTES);
    if (field.has_default_value()) {  // a bytes default is C-escaped
      field.set_default_value(absl::CEscape(field.default_value()));
    }
  };
  for (FieldDescriptorProto& field : *message.mutable_field()) to_bytes(field);
  for (FieldDescriptorProto& field : *message.mutable_extension()) {
    to_bytes(field);
  }
  for (DescriptorProto& nested : *message.mutable_nested_type()) {
    if (nested.has_options()) nested.mutable_options()->clear_map_entry();
    StringsToBytes(nested);
  }
}

// The generated descriptors' twins with `bytes` for `string`, in a pool of
// their own, and prototypes of their dynamic messages. Thread-safe.
class LenientPool {
 public:
  // The prototype of `type`'s twin; nullptr if it could not be built
  // (which a descriptor protobuf built once cannot cause). Never deleted.
  const Message* Prototype(const Descriptor& type) {
    absl::MutexLock lock(&mu_);
    auto [it, added] = prototypes_.try_emplace(&type, nullptr);
    if (added && BuildFile(*type.file()) != nullptr) {
      const Descriptor* twin = pool_.FindMessageTypeByName(type.full_name());
      if (twin != nullptr) it->second = factory_.GetPrototype(twin);
    }
    return it->second;
  }

 private:
  // Builds the twin of `file` after those of its dependencies.
  const FileDescriptor* BuildFile(const FileDescriptor& file)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (const FileDescriptor* built = pool_.FindFileByName(file.name())) {
      return built;
    }
    for (int i = 0; i < file.dependency_count(); ++i) {
      if (BuildFile(*file.dependency(i)) == nullptr) return nullptr;
    }
    FileDescriptorProto proto;
    file.CopyTo(&proto);
    for (DescriptorProto& message : *proto.mutable_message_type()) {
      StringsToBytes(message);
    }
    return pool_.BuildFile(proto);
  }

  absl::Mutex mu_;
  google::protobuf::DescriptorPool pool_ ABSL_GUARDED_BY(mu_);
  google::protobuf::DynamicMessageFactory factory_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const Descriptor*, const Message*> prototypes_
      ABSL_GUARDED_BY(mu_);
};

LenientPool& Pool() {
  static LenientPool* const pool = new LenientPool;  // never destroyed
  return *pool;
}

void CopyFields(const Message& from, Message& to);

// Copies singular field `f` of `from` to its twin `t` of `to`.
void CopySingular(const Message& from, const FieldDescriptor& f, Message& to,
                  const FieldDescriptor& t) {
  const Reflection& in = *from.GetReflection();
  const Reflection& out = *to.GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return out.SetInt32(&to, &t, in.GetInt32(from, &f));
    case FieldDescriptor::CPPTYPE_INT64:
      return out.SetInt64(&to, &t, in.GetInt64(from, &f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return out.SetUInt32(&to, &t, in.GetUInt32(from, &f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return out.SetUInt64(&to, &t, in.GetUInt64(from, &f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return out.SetDouble(&to, &t, in.GetDouble(from, &f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return out.SetFloat(&to, &t, in.GetFloat(from, &f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return out.SetBool(&to, &t, in.GetBool(from, &f));
    case FieldDescriptor::CPPTYPE_ENUM:  // by number: open enums keep any
      return out.SetEnumValue(&to, &t, in.GetEnumValue(from, &f));
    case FieldDescriptor::CPPTYPE_STRING:  // SetString checks no UTF-8
      return out.SetString(&to, &t, in.GetString(from, &f));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return CopyFields(in.GetMessage(from, &f), *out.MutableMessage(&to, &t));
  }
}

// Appends element `i` of repeated field `f` of `from` to its twin `t` of
// `to` (for a map, an entry).
void CopyElement(const Message& from, const FieldDescriptor& f, int i,
                 Message& to, const FieldDescriptor& t) {
  const Reflection& in = *from.GetReflection();
  const Reflection& out = *to.GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return out.AddInt32(&to, &t, in.GetRepeatedInt32(from, &f, i));
    case FieldDescriptor::CPPTYPE_INT64:
      return out.AddInt64(&to, &t, in.GetRepeatedInt64(from, &f, i));
    case FieldDescriptor::CPPTYPE_UINT32:
      return out.AddUInt32(&to, &t, in.GetRepeatedUInt32(from, &f, i));
    case FieldDescriptor::CPPTYPE_UINT64:
      return out.AddUInt64(&to, &t, in.GetRepeatedUInt64(from, &f, i));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return out.AddDouble(&to, &t, in.GetRepeatedDouble(from, &f, i));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return out.AddFloat(&to, &t, in.GetRepeatedFloat(from, &f, i));
    case FieldDescriptor::CPPTYPE_BOOL:
      return out.AddBool(&to, &t, in.GetRepeatedBool(from, &f, i));
    case FieldDescriptor::CPPTYPE_ENUM:
      return out.AddEnumValue(&to, &t, in.GetRepeatedEnumValue(from, &f, i));
    case FieldDescriptor::CPPTYPE_STRING:
      return out.AddString(&to, &t, in.GetRepeatedString(from, &f, i));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return CopyFields(in.GetRepeatedMessage(from, &f, i),
                        *out.AddMessage(&to, &t));
  }
}

// Copies every field `from` holds, and its unknown fields, into `to`,
// whose type is the one `from`'s is the twin of.
void CopyFields(const Message& from, Message& to) {
  const Reflection& in = *from.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  in.ListFields(from, &fields);
  for (const FieldDescriptor* f : fields) {
    const FieldDescriptor* t =
        to.GetDescriptor()->FindFieldByNumber(f->number());
    if (!f->is_repeated()) {
      CopySingular(from, *f, to, *t);
      continue;
    }
    const int size = in.FieldSize(from, f);
    for (int i = 0; i < size; ++i) CopyElement(from, *f, i, to, *t);
  }
  to.GetReflection()->MutableUnknownFields(&to)->MergeFrom(
      in.GetUnknownFields(from));
}

absl::Status NotAMessage(const Message& message) {
  return absl::InvalidArgumentError(absl::StrCat(
      "request: not a valid ", message.GetDescriptor()->name(), " message"));
}

// The slow path: `bytes` parsed against the twin of `message`'s type and
// copied into `message`.
absl::Status ParseAsBytes(const std::string& bytes, Message& message) {
  const Message* prototype = Pool().Prototype(*message.GetDescriptor());
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat(
        "no lenient twin of ", message.GetDescriptor()->full_name()));
  }
  std::unique_ptr<Message> twin(prototype->New());
  if (!twin->ParseFromString(bytes)) return NotAMessage(message);
  message.Clear();
  CopyFields(*twin, message);
  return absl::OkStatus();
}

// The length of the UTF-8 sequence `text` starts with (1-4), or 0 if it
// does not start with one: a bad lead or continuation byte, a sequence cut
// short, an overlong form, a surrogate or a code point past U+10FFFF.
size_t Utf8SequenceLength(absl::string_view text) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  uint32_t point;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    point = (point << 6) | (byte(i) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  const bool surrogate = point >= 0xD800 && point <= 0xDFFF;
  if (point < kMin[length] || surrogate || point > 0x10FFFF) return 0;
  return length;
}

// `text` with each byte outside valid UTF-8 written as "\xNN".
std::string EscapedUtf8(absl::string_view text) {
  std::string out;
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      absl::StrAppend(
          &out, "\\x",
          absl::Hex(static_cast<uint8_t>(text[0]), absl::kZeroPad2));
      text.remove_prefix(1);
      continue;
    }
    out.append(text.data(), length);
    text.remove_prefix(length);
  }
  return out;
}

bool IsUtf8(absl::string_view text) {
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

// EscapeInvalidUtf8 of field `f` of `message`: element `i` if repeated.
void EscapeField(google::protobuf::Message& message, const FieldDescriptor& f,
                 int i) {
  const Reflection& r = *message.GetReflection();
  if (f.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    EscapeInvalidUtf8(f.is_repeated()
                          ? *r.MutableRepeatedMessage(&message, &f, i)
                          : *r.MutableMessage(&message, &f));
    return;
  }
  if (f.type() != FieldDescriptor::TYPE_STRING) return;
  std::string scratch;
  const std::string& value =
      f.is_repeated() ? r.GetRepeatedStringReference(message, &f, i, &scratch)
                      : r.GetStringReference(message, &f, &scratch);
  if (IsUtf8(value)) return;
  if (f.is_repeated()) {
    r.SetRepeatedString(&message, &f, i, EscapedUtf8(value));
  } else {
    r.SetString(&message, &f, EscapedUtf8(value));
  }
}

// Protobuf logs a line for each string it refuses as invalid UTF-8. In the
// fast path below that refusal is expected (the slow path then reads the
// bytes, and the service refuses the item by name), and the line would only
// let a client flood the log. A log handler, installed once in front of
// the one before it, drops that line on a thread inside the fast path and
// passes every other line on.
thread_local bool in_fast_path = false;
google::protobuf::LogHandler* next_log_handler = nullptr;

void DropUtf8LinesOfTheFastPath(google::protobuf::LogLevel level,
                                const char* file, int line,
                                const std::string& message) {
  if (in_fast_path && level != google::protobuf::LOGLEVEL_FATAL &&
      absl::StrContains(message, "invalid UTF-8")) {
    return;
  }
  if (next_log_handler != nullptr &&
      next_log_handler != &DropUtf8LinesOfTheFastPath) {
    next_log_handler(level, file, line, message);
  }
}

// Puts DropUtf8LinesOfTheFastPath in front of the handler; once.
void InstallLogFilter() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    next_log_handler =
        google::protobuf::SetLogHandler(&DropUtf8LinesOfTheFastPath);
  });
}

// The fast path: protobuf's own parse, quiet about invalid UTF-8.
template <typename Parse>
bool QuietParse(const Parse& parse) {
  InstallLogFilter();
  in_fast_path = true;
  const bool parsed = parse();
  in_fast_path = false;
  return parsed;
}

bool QuietParse(const std::string& bytes, Message& message) {
  return QuietParse([&] { return message.ParseFromString(bytes); });
}

bool QuietParse(const grpc::ByteBuffer& bytes, Message& message) {
  return QuietParse([&] {
    grpc::ByteBuffer copy = bytes;  // shares the slices; Deserialize consumes
    return grpc::SerializationTraits<Message>::Deserialize(&copy, &message)
        .ok();
  });
}

}  // namespace

absl::Status ParseLeniently(const std::string& bytes, Message& message,
                            bool* lenient) {
  if (lenient != nullptr) *lenient = false;
  if (QuietParse(bytes, message)) return absl::OkStatus();
  if (lenient != nullptr) *lenient = true;
  return ParseAsBytes(bytes, message);
}

absl::Status ParseLeniently(const grpc::ByteBuffer& bytes, Message& message,
                            bool* lenient) {
  if (lenient != nullptr) *lenient = false;
  if (QuietParse(bytes, message)) return absl::OkStatus();
  if (lenient != nullptr) *lenient = true;
  grpc::Slice flat;
  if (!bytes.DumpToSingleSlice(&flat).ok()) return NotAMessage(message);
  return ParseAsBytes(
      std::string(reinterpret_cast<const char*>(flat.begin()), flat.size()),
      message);
}

void EscapeInvalidUtf8(Message& message) {
  const Reflection& r = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    if (!f->is_repeated()) {
      EscapeField(message, *f, 0);
      continue;
    }
    const int size = r.FieldSize(message, f);
    for (int i = 0; i < size; ++i) EscapeField(message, *f, i);
  }
}

absl::StatusOr<grpc::ByteBuffer> EncodeMessage(const Message& message) {
  grpc::ByteBuffer bytes;
  bool own = false;
  grpc::Status status =
      grpc::SerializationTraits<Message>::Serialize(message, &bytes, &own);
  if (!status.ok()) return absl::InternalError(status.error_message());
  return bytes;
}

}  // namespace reachrank::services
