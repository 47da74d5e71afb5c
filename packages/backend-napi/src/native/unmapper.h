// Unmapping off the JS thread: munmap (with its TLB shootdown in a multi-threaded process) costs
// the JS thread several microseconds per map. Mapping::Unmap hands spans here once no view can
// reach them (detached, or their Buffers collected); one background thread unmaps them.
#pragma once
#include "os.h"

namespace memmap::unmapper {

// Unmaps `span` soon, on the background thread (or right here if that thread cannot start).
void Defer(const os::Span& span);

}  // namespace memmap::unmapper
