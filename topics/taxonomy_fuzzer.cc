// Fuzz target: the taxonomy loader. A taxonomy that parses must print back
// to text that parses to the same taxonomy.
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "topics/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view tsv(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<reachrank::topics::Taxonomy> taxonomy =
      reachrank::topics::Taxonomy::Parse(tsv);
  if (!taxonomy.ok()) return 0;
  absl::StatusOr<reachrank::topics::Taxonomy> again =
      reachrank::topics::Taxonomy::Parse(taxonomy->ToTsv());
  if (!again.ok() || again->ToTsv() != taxonomy->ToTsv()) std::abort();
  return 0;
}
