#include "base/json_depth.h"

#include <string>

#include "gtest/gtest.h"

namespace reachrank {
namespace {

// `levels` arrays, one inside the other, around a number.
std::string Nested(int levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

TEST(ParseJsonWithDepthTest, RefusesOnlyWhatNestsTooDeep) {
  bool too_deep = true;
  nlohmann::json doc = ParseJsonWithDepth(Nested(3), &too_deep, 3);
  EXPECT_FALSE(too_deep);
  EXPECT_EQ(doc, nlohmann::json::parse("[[[1]]]"));
  doc = ParseJsonWithDepth(Nested(4), &too_deep, 3);
  EXPECT_TRUE(too_deep);
  EXPECT_TRUE(doc.is_discarded());
  doc = ParseJsonWithDepth(R"({"a": {"b": 1}})", &too_deep, 1);
  EXPECT_TRUE(too_deep);
  // Not JSON: discarded, but not for its depth.
  doc = ParseJsonWithDepth("[1,", &too_deep);
  EXPECT_FALSE(too_deep);
  EXPECT_TRUE(doc.is_discarded());
  // The default bound, and far beyond it (no recursion on the way).
  EXPECT_FALSE(
      ParseJsonWithDepth(Nested(kMaxJsonDepth), &too_deep).is_discarded());
  EXPECT_TRUE(ParseJsonWithDepth(Nested(200000), &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
}

TEST(JsonSyntaxErrorTest, SaysWhereAndWhyWithoutTheExceptionTag) {
  EXPECT_EQ(JsonSyntaxError(R"({"a":[1,2]})"), "");
  EXPECT_EQ(JsonSyntaxError(R"({"count":1e400})"),
            "number overflow parsing '1e400'");
  EXPECT_EQ(JsonSyntaxError(R"({"count":NaN})"),
            "parse error at line 1, column 10: syntax error while parsing "
            "value - invalid literal; last read: '\"count\":N'");
  EXPECT_NE(JsonSyntaxError("{\"id\":\"\xff\"}").find("ill-formed UTF-8 byte"),
            std::string::npos);
}

}  // namespace
}  // namespace reachrank
