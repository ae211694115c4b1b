// The topic taxonomy file and the training data sets (SIB-200 TSV, JSONL).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "topics/classifier.h"
#include "topics/dataset.h"
#include "topics/file_util.h"
#include "topics/taxonomy.h"
#include "topics/test_support.h"

namespace reachrank::topics {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;

TEST(TaxonomyTest, ParsesTheDefaultTaxonomy) {
  auto taxonomy = Taxonomy::Load(testing::DataPath("sib200/taxonomy.tsv"));
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  ASSERT_EQ(taxonomy->topics().size(), 7u);
  EXPECT_EQ(taxonomy->topics()[0].id, "science/technology");
  EXPECT_EQ(taxonomy->topics()[3].display_names.at("de"), "Sport");
  EXPECT_EQ(taxonomy->topics()[3].display_names.at("zh"), "体育");
  auto again = Taxonomy::Parse(taxonomy->ToTsv());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->topics()[6].display_names,
            taxonomy->topics()[6].display_names);
}

// A spreadsheet saves "UTF-8 with BOM": the mark is not part of the header.
TEST(TaxonomyTest, IgnoresAByteOrderMark) {
  auto taxonomy = Taxonomy::Parse("\xEF\xBB\xBFtopic_id\ten\na\tA\n");
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  EXPECT_EQ(taxonomy->topics()[0].id, "a");
}

TEST(TaxonomyTest, RejectsDuplicateIds) {
  auto taxonomy = Taxonomy::Parse("topic_id\ten\na\tA\na\tB\n");
  EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(taxonomy.status().message()), HasSubstr("line 3"));
}

// Storage keeps topic ids of at most 256 bytes; a longer one refused there
// stopped every classification of the ingest service.
TEST(TaxonomyTest, RejectsIdsOverStoragesLimit) {
  const std::string longest(kMaxTopicIdBytes, 'a');
  EXPECT_TRUE(Taxonomy::Parse("topic_id\ten\n" + longest + "\tA\n").ok());
  auto taxonomy = Taxonomy::Parse("topic_id\ten\nb\tB\n" + longest + "a\tA\n");
  EXPECT_EQ(taxonomy.status(),
            absl::InvalidArgumentError(
                "taxonomy line 3: need 2 fields and a new topic id of 1-256 "
                "bytes without spaces"));
}

// Found by taxonomy_fuzzer: trailing tabs were stripped as whitespace, so an
// empty last display name did not survive ToTsv -> Parse.
TEST(TaxonomyTest, EmptyLastDisplayNameRoundTrips) {
  auto taxonomy = Taxonomy::Parse("topic_id\ten\tde\r\na\tA\t\n");
  ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
  EXPECT_EQ(taxonomy->topics()[0].display_names.at("de"), "");
  auto again = Taxonomy::Parse(taxonomy->ToTsv());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToTsv(), taxonomy->ToTsv());
}

// Found by taxonomy_fuzzer (10-minute run): a language "id\r" in the header
// was printed last by ToTsv, where its "\r" read as a Windows line ending.
TEST(TaxonomyTest, RejectsCarriageReturnInsideAField) {
  for (const char* tsv :
       {"topic_id\tid\r\teh\nz\t\tT", "topic_id\ten\tde\na\tA\r\tB\n"}) {
    auto taxonomy = Taxonomy::Parse(tsv);
    EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(taxonomy.status().message()),
                HasSubstr("carriage return"));
  }
}

TEST(TaxonomyTest, RejectsInvalidUtf8) {
  EXPECT_EQ(
      Taxonomy::Parse("topic_id\tde\nhealth\tGesundheit\xe4\xff\n").status(),
      absl::InvalidArgumentError("taxonomy line 2: not valid UTF-8"));
}

TEST(TaxonomyTest, RejectsDuplicateHeaderLanguages) {
  auto taxonomy = Taxonomy::Parse("topic_id\ten\ten\na\tA\tB\n");
  EXPECT_EQ(taxonomy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(taxonomy.status().message()), HasSubstr("distinct"));
}

TEST(DatasetTest, ReadsSib200TsvWithLanguageFromDirectory) {
  auto examples = ReadExamples(testing::DataPath("sib200/deu_Latn/dev.tsv"));
  ASSERT_TRUE(examples.ok()) << examples.status();
  ASSERT_EQ(examples->size(), 99u);
  EXPECT_EQ((*examples)[0].language, "de");
  EXPECT_FALSE((*examples)[0].topic.empty());
}

TEST(DatasetTest, ReadsJsonlAndNamesBadLines) {
  ScratchDir scratch;
  const std::string path = scratch.path() + "/d.jsonl";
  ASSERT_TRUE(WriteFile(path,
                        "{\"text\":\"goal\",\"topic\":\"sports\",\"language\":"
                        "\"en\"}\n{\"text\":\"vote\"}\n")
                  .ok());
  auto examples = ReadExamples(path);
  EXPECT_EQ(examples.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(examples.status().message()), HasSubstr("d.jsonl:2"));
}

// Each example says where it came from, for errors about it later
// (evaluation named a batch index).
TEST(DatasetTest, NamesWhereEachExampleIs) {
  ScratchDir scratch;
  const std::string path = scratch.path() + "/d.jsonl";
  const std::string line =
      "{\"text\":\"goal\",\"topic\":\"sports\",\"language\":\"en\"}\n";
  ASSERT_TRUE(WriteFile(path, line + "\n" + line).ok());
  auto examples = ReadExamples(path);
  ASSERT_TRUE(examples.ok()) << examples.status();
  ASSERT_EQ(examples->size(), 2u);
  EXPECT_EQ((*examples)[0].where, path + ":1");
  EXPECT_EQ((*examples)[1].where, path + ":3");
}

}  // namespace
}  // namespace reachrank::topics
