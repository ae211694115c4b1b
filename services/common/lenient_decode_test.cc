#include "services/common/lenient_decode.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

#include "reachrank/v1/ingest.pb.h"
#include "reachrank/v1/ranking.pb.h"

namespace reachrank::services {
namespace {

using google::protobuf::util::MessageDifferencer;

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

v1::UpsertAuthorsRequest Authors(const std::string& key) {
  v1::UpsertAuthorsRequest request;
  v1::Author* author = request.add_authors();
  author->set_platform("douyin");
  author->set_author_id("a1");
  author->set_followers(12);
  author->mutable_joined_at()->set_seconds(1'700'000'000);
  (*author->mutable_followers_elsewhere())[key] = 7;
  return request;
}

TEST(LenientDecodeTest, AValidMessageParsesAsProtobufParsesIt) {
  const std::string bytes = Authors("kuaishou").SerializeAsString();
  v1::UpsertAuthorsRequest normal;
  ASSERT_TRUE(normal.ParseFromString(bytes));

  v1::UpsertAuthorsRequest from_string;
  ASSERT_TRUE(ParseLeniently(bytes, from_string).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(from_string, normal));

  absl::StatusOr<v1::UpsertAuthorsRequest> from_buffer =
      DecodeLeniently<v1::UpsertAuthorsRequest>(ToBuffer(bytes));
  ASSERT_TRUE(from_buffer.ok()) << from_buffer.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*from_buffer, normal));
}

TEST(LenientDecodeTest, InvalidUtf8InNestedAndRepeatedStringsComesThrough) {
  v1::UpsertPostsRequest sent;
  v1::Post* ok = sent.add_posts();
  ok->set_post_id("p0");
  ok->set_text("fine");
  v1::Post* bad = sent.add_posts();
  bad->set_post_id("p1");
  bad->set_text("caf\xc3 \xff\xfe");
  bad->add_hashtags("ok");
  bad->add_hashtags("\xe2\x82");
  bad->set_media_kind(static_cast<v1::MediaKind>(99));  // unknown, kept
  bad->mutable_created_at()->set_seconds(5);
  const std::string bytes = sent.SerializeAsString();
  v1::UpsertPostsRequest strict;
  ASSERT_FALSE(strict.ParseFromString(bytes));  // what typed methods do

  absl::StatusOr<v1::UpsertPostsRequest> got =
      DecodeLeniently<v1::UpsertPostsRequest>(ToBuffer(bytes));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->posts_size(), 2);
  EXPECT_EQ(got->posts(0).text(), "fine");
  EXPECT_EQ(got->posts(1).text(), "caf\xc3 \xff\xfe");
  ASSERT_EQ(got->posts(1).hashtags_size(), 2);
  EXPECT_EQ(got->posts(1).hashtags(1), "\xe2\x82");
  EXPECT_EQ(static_cast<int>(got->posts(1).media_kind()), 99);
  EXPECT_EQ(got->posts(1).created_at().seconds(), 5);
  EXPECT_EQ(got->SerializeAsString(), bytes);
}

TEST(LenientDecodeTest, InvalidUtf8InAMapKeyComesThrough) {
  const std::string bytes = Authors(
                                "\xff"
                                "x")
                                .SerializeAsString();
  v1::UpsertAuthorsRequest got;
  ASSERT_TRUE(ParseLeniently(bytes, got).ok());
  ASSERT_EQ(got.authors_size(), 1);
  const auto& map = got.authors(0).followers_elsewhere();
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(map.begin()->first,
            "\xff"
            "x");
  EXPECT_EQ(map.begin()->second, 7);
  EXPECT_EQ(got.authors(0).followers(), 12);
}

TEST(LenientDecodeTest, InvalidUtf8InAOneofKeepsItsCase) {
  v1::ScoreRequest sent;
  sent.mutable_draft()->set_draft_id("d\xff");
  sent.set_language("e\xffn");
  v1::ScoreRequest got;
  ASSERT_TRUE(ParseLeniently(sent.SerializeAsString(), got).ok());
  ASSERT_EQ(got.target_case(), v1::ScoreRequest::kDraft);
  EXPECT_EQ(got.draft().draft_id(), "d\xff");
  EXPECT_EQ(got.language(), "e\xffn");
}

TEST(LenientDecodeTest, InvalidUtf8IsReadWithoutAProtobufLogLine) {
  v1::UpsertAuthorsRequest sent = Authors("bad\xff");
  const std::string bytes = sent.SerializePartialAsString();
  v1::UpsertAuthorsRequest read;
  ASSERT_TRUE(ParseLeniently(bytes, read).ok());  // the quiet path is set up

  ::testing::internal::CaptureStderr();
  v1::UpsertAuthorsRequest plain;
  EXPECT_FALSE(plain.ParseFromString(bytes));
  const std::string plain_lines = ::testing::internal::GetCapturedStderr();
  ::testing::internal::CaptureStderr();
  absl::Status status = ParseLeniently(bytes, read);
  absl::Status from_buffer = ParseLeniently(ToBuffer(bytes), read);
  const std::string lenient_lines = ::testing::internal::GetCapturedStderr();

  // Protobuf's own parse still logs (outside the fast path); the lenient
  // parses do not.
  EXPECT_THAT(plain_lines, ::testing::HasSubstr("invalid UTF-8"));
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(from_buffer.ok()) << from_buffer;
  EXPECT_EQ(lenient_lines, "");
}

TEST(LenientDecodeTest, BytesThatAreNoMessageAreInvalidArgument) {
  for (const std::string& garbage :
       {std::string("\xff\xff\xff"), std::string("\x0a\x05"
                                                 "ab")}) {
    v1::UpsertPostsRequest got;
    absl::Status status = ParseLeniently(garbage, got);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(),
              "request: not a valid UpsertPostsRequest message");
    EXPECT_EQ(DecodeLeniently<v1::RecordEventsRequest>(ToBuffer(garbage))
                  .status()
                  .message(),
              "request: not a valid RecordEventsRequest message");
  }
}

TEST(LenientDecodeTest, EscapeInvalidUtf8EscapesOnlyTheInvalidBytes) {
  v1::RecordEventsResponse response;
  v1::ItemStatus* item = response.add_rejections();
  item->set_id(
      "a\xff"
      "b\xc3\xa9\xed\xa0\x80");  // é, then a surrogate
  item->set_field("event_id");
  v1::ReachScore score;
  score.set_id("ok \xe4\xb8\xad");
  (*score.mutable_surface_mix())["k\xc0\xaf"] = 0.5;  // an overlong '/'
  EscapeInvalidUtf8(response);
  EscapeInvalidUtf8(score);
  EXPECT_EQ(response.rejections(0).id(), "a\\xffb\xc3\xa9\\xed\\xa0\\x80");
  EXPECT_EQ(response.rejections(0).field(), "event_id");
  EXPECT_EQ(score.id(), "ok \xe4\xb8\xad");
  ASSERT_EQ(score.surface_mix().size(), 1u);
  EXPECT_EQ(score.surface_mix().begin()->first, "k\\xc0\\xaf");
  v1::ReachScore parsed;
  EXPECT_TRUE(parsed.ParseFromString(score.SerializeAsString()));
}

TEST(LenientDecodeTest, EncodeMessageWritesTheMessagesBytes) {
  v1::UpsertAuthorsRequest request = Authors("kuaishou");
  absl::StatusOr<grpc::ByteBuffer> encoded = EncodeMessage(request);
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  grpc::Slice flat;
  ASSERT_TRUE(encoded->DumpToSingleSlice(&flat).ok());
  EXPECT_EQ(
      std::string(reinterpret_cast<const char*>(flat.begin()), flat.size()),
      request.SerializeAsString());
}

}  // namespace
}  // namespace reachrank::services
