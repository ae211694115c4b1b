#include "services/batch/score_output.h"

#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace reachrank::batch {
namespace {

v1::ReachScore Example() {
  v1::ReachScore s;
  s.set_id("d1");
  s.set_p_reach(0.125);
  s.set_expected_stranger_impressions(1234.5);
  (*s.mutable_surface_mix())["SURFACE_RECOMMENDED"] = 0.7;
  (*s.mutable_surface_mix())["SURFACE_FOLLOWING"] = 0.3;
  v1::Reason* r = s.add_reasons();
  r->set_factor("topic_saturation");
  r->set_value(6);
  r->set_contribution(-0.4);
  r->set_message("crowded, \"very\"");
  v1::TopicScore* t = s.add_topics();
  t->set_topic_id("travel");
  t->set_probability(0.9f);
  s.set_model_version("prior-v1");
  return s;
}

TEST(ScoreOutputTest, JsonlIsTheApiMappingWithSortedMapKeys) {
  std::string out;
  AppendRecord(OutputFormat::kJsonl, {3, "d1", Example()}, &out);
  EXPECT_EQ(out,
            R"({"id":"d1","pReach":0.125,"expectedStrangerImpressions":1234.5,)"
            R"("surfaceMix":{"SURFACE_FOLLOWING":0.3,"SURFACE_RECOMMENDED":0.7},)"
            R"("reasons":[{"factor":"topic_saturation","value":6.0,)"
            R"("contribution":-0.4,"message":"crowded, \"very\""}],)"
            R"("topics":[{"topicId":"travel","probability":0.9}],)"
            R"("modelVersion":"prior-v1"})"
            "\n");
  v1::ReachScore back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  out.substr(0, out.size() - 1), &back)
                  .ok());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(back, Example()));
}

TEST(ScoreOutputTest, ErrorRecords) {
  std::string out;
  AppendRecord(OutputFormat::kJsonl,
               {7, "d9", absl::InvalidArgumentError("platform: must match")},
               &out);
  EXPECT_EQ(out,
            R"({"line":7,"draft_id":"d9","error":{"code":"INVALID_ARGUMENT",)"
            R"("message":"platform: must match"}})"
            "\n");
}

TEST(ScoreOutputTest, CsvRowsHaveTheHeaderColumns) {
  const std::string header = OutputHeader(OutputFormat::kCsv);
  EXPECT_EQ(header,
            "line,id,p_reach,expected_stranger_impressions,share_following,"
            "share_friends,share_recommended,share_search,share_profile,"
            "share_share_link,top_topic,model_version,factors,reasons,error\n");
  std::string ok, bad;
  AppendRecord(OutputFormat::kCsv, {2, "d1", Example()}, &ok);
  AppendRecord(OutputFormat::kCsv, {3, "d2", absl::InvalidArgumentError("x")},
               &bad);
  EXPECT_EQ(ok,
            "2,d1,0.125,1234.5,0.3,,0.7,,,,travel,prior-v1,topic_saturation,"
            "\"crowded, \"\"very\"\"\",\n");
  EXPECT_EQ(bad, "3,d2,,,,,,,,,,,,,INVALID_ARGUMENT: x\n");
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(header, ',')).size(),
            std::vector<std::string>(absl::StrSplit(bad, ',')).size());
}

TEST(ScoreOutputTest, ShortestDoubleRoundTrips) {
  EXPECT_EQ(ShortestDouble(0.1), "0.1");
  EXPECT_EQ(ShortestDouble(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(ShortestDouble(1000), "1000");
}

}  // namespace
}  // namespace reachrank::batch
