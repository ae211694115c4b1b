// input_file: the input stream of a batch job, a file or standard input.
#ifndef REACHRANK_SERVICES_BATCH_INPUT_FILE_H_
#define REACHRANK_SERVICES_BATCH_INPUT_FILE_H_

#include <fstream>
#include <istream>
#include <string>

#include "absl/status/statusor.h"

namespace reachrank::batch {

// The stream to read `path` from: std::cin for "-", else `file` opened on
// `path` (binary). NOT_FOUND "cannot read PATH" when the file cannot be
// opened; FAILED_PRECONDITION when `path` is "-" and standard input is
// closed (a job started with `<&-` would otherwise read nothing and
// report success).
absl::StatusOr<std::istream*> OpenInput(const std::string& path,
                                        std::ifstream& file);

}  // namespace reachrank::batch

#endif  // REACHRANK_SERVICES_BATCH_INPUT_FILE_H_
