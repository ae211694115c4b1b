// Fuzz target: the label configuration loader (per-platform JSON).
#include <cstdint>

#include "absl/strings/string_view.h"
#include "ranking/label.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  (void)reachrank::ranking::LabelConfigs::Parse(json);
  return 0;
}
