// A model directory's metadata.json: the version that covers the
// inference settings, keys that older directories lack, and settings that
// contradict the files.

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "topics/fasttext_classifier.h"
#include "topics/file_util.h"
#include "topics/test_support.h"
#include "topics/trainer.h"

namespace reachrank::topics {
namespace {

using testing::HanSeedOptions;
using ::testing::HasSubstr;
using testing::ScratchDir;
using testing::TinyOptions;
using testing::TinySet;
using testing::WithChinese;

// The key that marks a directory sealed with its settings in its version;
// directories written before it existed lack it.
constexpr char kVersionSchemeEntry[] = ",\n  \"version_scheme\": 2";

// Rewrites the metadata.json of model directory `dir` without each of
// `entries` (their exact text, e.g. "\"han_seeds\": 1,"), as written before
// those keys existed; `original` (if given) receives the text before.
::testing::AssertionResult EraseFromMetadata(
    const std::string& dir, const std::vector<std::string>& entries,
    std::string* original = nullptr) {
  absl::StatusOr<std::string> text = ReadFile(dir + "/metadata.json");
  if (!text.ok()) return ::testing::AssertionFailure() << text.status();
  if (original != nullptr) *original = *text;
  std::string edited = *text;
  for (const std::string& entry : entries) {
    const size_t at = edited.find(entry);
    if (at == std::string::npos) {
      return ::testing::AssertionFailure() << entry << " not in " << *text;
    }
    edited.erase(at, entry.size());
  }
  absl::Status written = WriteFile(dir + "/metadata.json", edited);
  if (!written.ok()) return ::testing::AssertionFailure() << written;
  return ::testing::AssertionSuccess();
}

TEST(HanRoutingTest, MetadataWithoutItMeansHanModelAlone) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  const std::string key = "\"han_routing\": \"average\",";
  std::string text;
  ASSERT_TRUE(EraseFromMetadata(dir, {key, kVersionSchemeEntry}, &text));
  absl::StatusOr<ModelMetadata> metadata = OpenModelDir(dir);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->han_routing, kHanRoutingHanModel);

  std::string bogus = text;
  bogus.replace(text.find(key), key.size(), "\"han_routing\": \"bogus\",");
  ASSERT_TRUE(WriteFile(dir + "/metadata.json", bogus).ok());
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("han_routing"));
}

TEST(HanSeedsTest, InconsistentMetadataIsRefused) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), HanSeedOptions(), dir).ok());
  absl::StatusOr<std::string> text = ReadFile(dir + "/metadata.json");
  ASSERT_TRUE(text.ok());
  const auto refused_with = [&](const std::string& from, const std::string& to,
                                const std::string& message) {
    const size_t at = text->find(from);
    ASSERT_NE(at, std::string::npos) << *text;
    std::string edited = *text;
    edited.replace(at, from.size(), to);
    ASSERT_TRUE(WriteFile(dir + "/metadata.json", edited).ok());
    auto loaded = FastTextClassifier::Load(dir);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition)
        << to;
    EXPECT_THAT(std::string(loaded.status().message()), HasSubstr(message))
        << to;
  };
  // Fewer seeds than fingerprinted files, more than there are, none, too
  // many, a weight outside [0, 1], seeds without a Han model.
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 2",
               "model.han.3.bin, which the metadata does not use");
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 4", "model.han.4.bin");
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 0", "han_seeds");
  refused_with("\"han_seeds\": 3", "\"han_seeds\": 17", "han_seeds");
  refused_with("\"han_weight\": 0.25", "\"han_weight\": 1.5", "han_weight");
  refused_with("\"han_weight\": 0.25", "\"han_weight\": -0.25", "han_weight");
  const size_t han = text->find("\"han_fasttext\": {");
  const size_t end = text->find('}', han);
  ASSERT_NE(han, std::string::npos);
  refused_with(text->substr(han, end + 1 - han), "\"han_fasttext\": null",
               "han_seeds above 1 without han_fasttext");
  // Unchanged, it loads; a damaged extra seed is refused by name.
  ASSERT_TRUE(WriteFile(dir + "/metadata.json", *text).ok());
  ASSERT_TRUE(FastTextClassifier::Load(dir).ok());
  ASSERT_TRUE(WriteFile(dir + "/model.han.2.bin", "junk").ok());
  auto loaded = FastTextClassifier::Load(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("model.han.2.bin: fingerprint differs"));
}

// The name prefixes the model version, which responses, metric labels and
// metadata.json carry: a name that is not plain is refused before training.
TEST(ModelMetadataTest, TrainingRefusesANameThatIsNotPlain) {
  ScratchDir scratch;
  for (const char* bad : {"", "sib 200", "x\xe9y", "a/b"}) {
    TrainOptions options = TinyOptions();
    options.name = bad;
    const absl::Status s =
        TrainModelDir(TinySet(), options, scratch.path() + "/m");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()),
                HasSubstr("name: must be 1-64 characters of [A-Za-z0-9._-]"));
  }
  EXPECT_FALSE(std::filesystem::exists(scratch.path() + "/m"));
}

// Numbers that are not integers where integers belong are refused, not
// cut (1.99 read as version_scheme 1 switched the edit check off).
TEST(ModelMetadataTest, RefusesNonIntegersAndOutOfRangeSettings) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(TinySet(), TinyOptions(), dir).ok());
  const std::string original = ReadFile(dir + "/metadata.json").value();
  const struct {
    const char* from;
    const char* to;
    const char* error;
  } kCases[] = {
      {"\"version_scheme\": 2", "\"version_scheme\": 1.99",
       "version_scheme must be an integer"},
      {"\"version_scheme\": 2", "\"version_scheme\": true",
       "version_scheme must be an integer"},
      {"\"cjk_char_ngrams\": 2", "\"cjk_char_ngrams\": -7",
       "cjk_char_ngrams must be 0..8"},
      {"\"han_seeds\": 1", "\"han_seeds\": 1.7",
       "han_seeds must be an integer"},
  };
  for (const auto& c : kCases) {
    std::string edited = original;
    const size_t at = edited.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    edited.replace(at, std::strlen(c.from), c.to);
    ASSERT_TRUE(WriteFile(dir + "/metadata.json", edited).ok());
    const auto opened = OpenModelDir(dir);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition)
        << c.to;
    EXPECT_THAT(std::string(opened.status().message()), HasSubstr(c.error))
        << c.to;
  }
}

// A setting read at inference, edited after sealing, changes predictions
// but not a file: the directory is refused until resealed, which gives it
// a version of its own; the original settings give the original version.
TEST(ModelVersionTest, CoversTheInferenceSettings) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), HanSeedOptions(), dir).ok());
  absl::StatusOr<ModelMetadata> sealed = OpenModelDir(dir);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->version_scheme, kVersionScheme);
  EXPECT_EQ(sealed->model_version, ModelVersionOf(*sealed));
  std::string original;
  ASSERT_TRUE(EraseFromMetadata(dir, {}, &original));
  const auto edit = [&](const std::string& from, const std::string& to) {
    std::string edited = original;
    edited.replace(edited.find(from), from.size(), to);
    return WriteFile(dir + "/metadata.json", edited);
  };
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"\"han_weight\": 0.25", "\"han_weight\": 0.75"},
           {"\"han_routing\": \"average\"", "\"han_routing\": \"han-model\""},
           {"\"cjk_char_ngrams\": 2", "\"cjk_char_ngrams\": 1"},
           {"\"model_version\": \"", "\"model_version\": \"x"}}) {
    ASSERT_NE(original.find(from), std::string::npos) << from;
    ASSERT_TRUE(edit(from, to).ok());
    auto loaded = FastTextClassifier::Load(dir);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition)
        << to;
    EXPECT_THAT(std::string(loaded.status().message()),
                HasSubstr("edited after the model was sealed"))
        << to;
  }

  ASSERT_TRUE(edit("\"han_weight\": 0.25", "\"han_weight\": 0.75").ok());
  absl::StatusOr<std::string> previous = ResealModelDir(dir);
  ASSERT_TRUE(previous.ok()) << previous.status();
  EXPECT_EQ(*previous, sealed->model_version);
  auto retuned = FastTextClassifier::Load(dir);
  ASSERT_TRUE(retuned.ok()) << retuned.status();
  EXPECT_EQ((*retuned)->metadata().han_weight, 0.75);
  EXPECT_NE((*retuned)->ModelVersion(), sealed->model_version);
  EXPECT_EQ((*retuned)->metadata().fingerprints, sealed->fingerprints);

  ASSERT_TRUE(WriteFile(dir + "/metadata.json", original).ok());
  ASSERT_TRUE(ResealModelDir(dir).ok());
  auto restored = FastTextClassifier::Load(dir);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->ModelVersion(), sealed->model_version);

  // Resealing checks the files as loading does.
  ASSERT_TRUE(WriteFile(dir + "/model.han.2.bin", "junk").ok());
  absl::StatusOr<std::string> damaged = ResealModelDir(dir);
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(damaged.status().message()),
              HasSubstr("model.han.2.bin: fingerprint differs"));
}

// A directory sealed before version_scheme existed keeps the version it
// was given, from its files alone, unchecked; resealing moves it to the
// current scheme.
TEST(ModelVersionTest, DirectoriesSealedBeforeTheSchemeStillLoad) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  std::string original;
  ASSERT_TRUE(EraseFromMetadata(dir, {kVersionSchemeEntry}, &original));
  const std::string from = "\"model_version\": \"";
  std::string legacy = *ReadFile(dir + "/metadata.json");
  legacy.replace(legacy.find(from), from.size(), from + "old-");
  ASSERT_TRUE(WriteFile(dir + "/metadata.json", legacy).ok());
  absl::StatusOr<ModelMetadata> opened = OpenModelDir(dir);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->version_scheme, 1);
  EXPECT_EQ(opened->model_version.rfind("old-", 0), 0u);
  ASSERT_TRUE(ResealModelDir(dir).ok());
  absl::StatusOr<ModelMetadata> resealed = OpenModelDir(dir);
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(resealed->version_scheme, kVersionScheme);
  EXPECT_EQ(resealed->model_version, ModelVersionOf(*resealed));
  EXPECT_EQ(resealed->model_version.rfind("tiny-ft-", 0), 0u)
      << resealed->model_version;
}

// A directory written before han_seeds and han_weight existed: one Han
// model, equal weights.
TEST(HanSeedsTest, MetadataWithoutThemMeansOneSeedEqualWeights) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  ASSERT_TRUE(EraseFromMetadata(
      dir, {"\"han_seeds\": 1,", "\"han_weight\": 0.5,", kVersionSchemeEntry}));
  absl::StatusOr<ModelMetadata> metadata = OpenModelDir(dir);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_EQ(metadata->han_seeds, 1);
  EXPECT_EQ(metadata->han_weight, 0.5);
}

// Directories written before the option existed have no simplify_han key
// and were trained without it.
TEST(SimplifyHanTest, MetadataWithoutItMeansOff) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/model";
  ASSERT_TRUE(TrainModelDir(WithChinese(), TinyOptions(), dir).ok());
  ASSERT_TRUE(EraseFromMetadata(
      dir, {",\n    \"simplify_han\": true", kVersionSchemeEntry}));
  absl::StatusOr<ModelMetadata> metadata = OpenModelDir(dir);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_FALSE(metadata->segmenter.simplify_han);
}

}  // namespace
}  // namespace reachrank::topics
