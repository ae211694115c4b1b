#include "services/topics/convert.h"

#include <gtest/gtest.h>

#include "services/common/lenient_decode.h"

namespace reachrank::topics_service {
namespace {

TEST(ConvertTest, DecodesItemsInOrderEvenWithInvalidUtf8) {
  v1::ClassifyRequest request;
  v1::ClassifyItem* a = request.add_items();
  a->set_id("a");
  a->set_text("Hallo Welt");
  a->set_language("de");
  request.add_items()->set_text("caf\xc3");  // sent as is by C++ clients
  request.set_top_k(2);
  auto bytes = services::EncodeMessage(request);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto call = DecodeClassifyCall(*bytes);
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->top_k, 2);
  ASSERT_EQ(call->items.size(), 2u);
  EXPECT_EQ(call->items[0].id, "a");
  EXPECT_EQ(call->items[0].text, "Hallo Welt");
  EXPECT_EQ(call->items[0].language, "de");
  EXPECT_EQ(call->items[1].id, "");
  EXPECT_EQ(call->items[1].text, "caf\xc3");
}

TEST(ConvertTest, GarbageIsNotARequest) {
  grpc::Slice slice(std::string("\xff\xff\xff\xff"));
  grpc::ByteBuffer bytes(&slice, 1);
  EXPECT_EQ(DecodeClassifyCall(bytes).status(),
            absl::InvalidArgumentError(
                "request: not a valid ClassifyRequest message"));
  EXPECT_EQ(DecodeClassifyStreamCall(bytes).status(),
            absl::InvalidArgumentError(
                "request: not a valid ClassifyStreamRequest message"));
}

TEST(ConvertTest, TopKIsCapped) {
  EXPECT_EQ(ToTopK(0), 0);
  EXPECT_EQ(ToTopK(5), 5);
  EXPECT_EQ(ToTopK(4'000'000'000u), 32767);
}

TEST(ConvertTest, ResultsAreAppendedInOrder) {
  ClassifyOutcome outcome;
  outcome.results = {{"x", {{"travel", 0.75f}, {"sports", 0.25f}}, "en"},
                     {"y", {}, "und"}};
  v1::ClassifyResponse response;
  AppendResults(outcome, response.mutable_results());
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).id(), "x");
  EXPECT_EQ(response.results(0).language(), "en");
  ASSERT_EQ(response.results(0).topics_size(), 2);
  EXPECT_EQ(response.results(0).topics(1).topic_id(), "sports");
  EXPECT_FLOAT_EQ(response.results(0).topics(1).probability(), 0.25f);
  EXPECT_EQ(response.results(1).topics_size(), 0);
  EXPECT_EQ(response.results(1).language(), "und");
}

TEST(ConvertTest, ListTopicsCarriesNamesAndVersion) {
  TopicList list;
  list.topics = {{"travel", {{"en", "Travel"}, {"zh", "旅行"}}}};
  list.model_version = "m-ft-1";
  v1::ListTopicsResponse response = ToListTopicsResponse(list);
  EXPECT_EQ(response.model_version(), "m-ft-1");
  ASSERT_EQ(response.topics_size(), 1);
  EXPECT_EQ(response.topics(0).topic_id(), "travel");
  EXPECT_EQ(response.topics(0).display_names().at("zh"), "旅行");
  EXPECT_EQ(response.topics(0).display_names().size(), 2u);
}

}  // namespace
}  // namespace reachrank::topics_service
