// The standard descriptors 0, 1 and 2 of a process started with one of
// them closed (`reachrank import - <&-`, `reachrank-ingest >&-`): the next
// file the process opens takes the free number, so a line meant for
// stdout lands in a database file and a read of stdin reads that file.
#ifndef REACHRANK_BASE_STD_DESCRIPTORS_H_
#define REACHRANK_BASE_STD_DESCRIPTORS_H_

namespace reachrank {

// Opens /dev/null on each of descriptors 0, 1 and 2 that is closed, and
// remembers whether 0 was not the inherited standard input. Call first in
// main(), before any file is opened or thread started. A library's static
// initializer may already have taken a closed number (gRPC's eventfd takes
// 0): such a descriptor is close-on-exec, which an inherited one never is
// (exec closed those), so it still counts as a closed standard input, but
// it is left to its owner.
void ReserveStandardDescriptors();

// Whether descriptor 0 was not the inherited standard input when
// ReserveStandardDescriptors last ran (false before it runs).
bool StandardInputWasClosed();

// The same for descriptor 1, standard output (`reachrank export --out -
// >&-` would otherwise write into /dev/null and report success).
bool StandardOutputWasClosed();

}  // namespace reachrank

#endif  // REACHRANK_BASE_STD_DESCRIPTORS_H_
