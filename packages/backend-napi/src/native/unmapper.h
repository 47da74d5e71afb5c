// Unmapping large spans off the JS thread: munmap of a big, populated mapping can take
// milliseconds. Mapping::Unmap hands spans here once no view can reach them (detached, or their
// Buffers collected). Small spans are unmapped right away on the calling thread: handing them over
// costs more (a wake-up, and a TLB flush of this thread's CPU by interrupt when another thread
// unmaps) than the munmap itself.
#pragma once
#include "os.h"

namespace memmap::unmapper {

// Unmaps `span`: now if it is small, else soon on the background thread (or now if that thread
// cannot start).
void Defer(const os::Span& span);

}  // namespace memmap::unmapper
