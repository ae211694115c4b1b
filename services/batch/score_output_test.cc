#include "services/batch/score_output.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

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

// The JSONL formatting as it was before the direct writer: nlohmann's
// ordered_json. The reference the writer must match byte for byte.
namespace reference {

using Json = nlohmann::ordered_json;

double FloatAsDouble(float value) {
  char buf[32];
  for (int precision = 6; precision < 9; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtof(buf, nullptr) == value) return std::strtod(buf, nullptr);
  }
  std::snprintf(buf, sizeof(buf), "%.9g", value);
  return std::strtod(buf, nullptr);
}

Json ScoreJson(const v1::ReachScore& s) {
  Json j;
  j["id"] = s.id();
  j["pReach"] = s.p_reach();
  j["expectedStrangerImpressions"] = s.expected_stranger_impressions();
  const std::map<std::string, double> mix(s.surface_mix().begin(),
                                          s.surface_mix().end());
  j["surfaceMix"] = Json::object();
  for (const auto& [surface, share] : mix) j["surfaceMix"][surface] = share;
  if (s.reasons_size() > 0) {
    j["reasons"] = Json::array();
    for (const v1::Reason& r : s.reasons()) {
      j["reasons"].push_back({{"factor", r.factor()},
                              {"value", r.value()},
                              {"contribution", r.contribution()},
                              {"message", r.message()}});
    }
  }
  j["topics"] = Json::array();
  for (const v1::TopicScore& t : s.topics()) {
    j["topics"].push_back({{"topicId", t.topic_id()},
                           {"probability", FloatAsDouble(t.probability())}});
  }
  j["modelVersion"] = s.model_version();
  return j;
}

Json ErrorJson(const ScoredLine& record) {
  const absl::Status& status = record.score.status();
  Json j;
  j["line"] = record.line;
  j["draft_id"] = record.draft_id;
  j["error"] = {{"code", absl::StatusCodeToString(status.code())},
                {"message", std::string(status.message())}};
  return j;
}

std::string Line(const ScoredLine& record) {
  const Json j = record.score.ok() ? ScoreJson(*record.score)
                                   : ErrorJson(record);
  return absl::StrCat(
      j.dump(-1, ' ', false, Json::error_handler_t::replace), "\n");
}

}  // namespace reference

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

TEST(ScoreOutputTest, JsonlIsByteIdenticalToTheNlohmannFormatting) {
  std::vector<ScoredLine> records;
  records.push_back({1, "d1", Example()});
  v1::ReachScore bare;  // no reasons, no topics, empty map and strings
  records.push_back({2, "", bare});
  v1::ReachScore odd = Example();
  odd.set_id("quote\" back\\ slash/ tab\t nl\n cr\r ff\f bs\b nul" +
             std::string(1, '\0') + " us\x1f del\x7f");
  odd.set_model_version("caf\xc3\xa9 \xe6\xb1\x89\xe5\xad\x97 \xf0\x9f\x98\x80");
  odd.mutable_reasons(0)->set_message("bad \xff\xfe utf8 \xc3 \xe6\xb1");
  odd.mutable_reasons(0)->set_value(1e21);
  odd.mutable_reasons(0)->set_contribution(-0.0);
  v1::Reason* r = odd.add_reasons();
  r->set_factor("overlong \xc0\xaf surrogate \xed\xa0\x80");
  r->set_value(std::numeric_limits<double>::quiet_NaN());
  r->set_contribution(std::numeric_limits<double>::infinity());
  r->set_message("\xe6\xb1\x89");
  odd.set_p_reach(1.0 / 3);
  odd.set_expected_stranger_impressions(12345678901234567890.0);
  (*odd.mutable_surface_mix())["SURFACE_SEARCH"] = 5e-324;
  (*odd.mutable_surface_mix())["SURFACE_PROFILE"] = 1e-7;
  (*odd.mutable_surface_mix())["SURFACE_FRIENDS"] = 0.1 + 0.2;
  (*odd.mutable_surface_mix())["SURFACE_SHARE_LINK"] = 123456789012345.0;
  (*odd.mutable_surface_mix())["SURFACE_FOLLOWING"] = 1e16;
  odd.mutable_topics(0)->set_probability(0.1f);
  v1::TopicScore* t = odd.add_topics();
  t->set_topic_id("science/technology");
  t->set_probability(1.0f / 3);
  odd.add_topics()->set_probability(0);
  records.push_back({3, "d3", odd});
  records.push_back({4, "d\xe6\xb1\x89\"4",
                     absl::InvalidArgumentError("text: must be \"valid\"\n")});
  records.push_back({5, "bad\xff", absl::UnavailableError("down \xc3")});
  records.push_back({9223372036854775807, "", absl::InternalError("")});
  for (double v : {0.0, 1.0, -1.5, 0.001, 1e-5, 123.456, 2.5e15, 9.5e15,
                   1e300, -2.2250738585072014e-308, 0.30000000000000004}) {
    v1::ReachScore s = Example();
    s.set_p_reach(v);
    s.set_expected_stranger_impressions(-v);
    records.push_back({6, "n", s});
  }
  for (const ScoredLine& record : records) {
    std::string out;
    AppendRecord(OutputFormat::kJsonl, record, &out);
    EXPECT_EQ(out, reference::Line(record)) << "line " << record.line;
  }
}

TEST(ScoreOutputTest, TopicProbabilitiesPrintAsBeforeForEveryKindOfFloat) {
  std::vector<float> values = {0.0f, -0.0f, 1.0f, 0.9f, 0.1f, 1.0f / 3,
                               1e-7f, 0.99999994f, 3.4028235e38f, 1e-45f,
                               1.17549435e-38f, 5.877472e-39f, -2.5f,
                               std::numeric_limits<float>::infinity(),
                               -std::numeric_limits<float>::infinity(),
                               std::numeric_limits<float>::quiet_NaN()};
  // Every 997th float bit pattern from 0 to 1, and beyond.
  for (uint32_t bits = 0; bits < 0x7f800000u; bits += 997 * 13) {
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    values.push_back(f);
  }
  for (size_t start = 0; start < values.size(); start += 500) {
    v1::ReachScore s;
    for (size_t i = start; i < values.size() && i < start + 500; ++i) {
      s.add_topics()->set_probability(values[i]);
    }
    const ScoredLine record{1, "d", s};
    std::string out;
    AppendRecord(OutputFormat::kJsonl, record, &out);
    ASSERT_EQ(out, reference::Line(record)) << "from value " << start;
  }
}

TEST(ScoreOutputTest, JsonlEscapesAndReplacesAsBefore) {
  v1::ReachScore s;
  s.set_id(std::string("a\"\\\x01\x7f", 5));
  s.set_model_version("x\xffy");
  std::string out;
  AppendRecord(OutputFormat::kJsonl, {1, "d", s}, &out);
  EXPECT_EQ(out,
            "{\"id\":\"a\\\"\\\\\\u0001\x7f\",\"pReach\":0.0,"
            "\"expectedStrangerImpressions\":0.0,\"surfaceMix\":{},"
            "\"topics\":[],\"modelVersion\":\"x\xef\xbf\xbdy\"}\n");
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
