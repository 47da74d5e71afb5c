// Fault guard: a process-wide SIGBUS handler plus a registry of this addon's live file mappings.
// A fault inside a registered range gets a zero page mapped over it and the slot records why the
// page failed: the file is shorter than the page (truncated), the disk could not take the page
// (ENOSPC: a full disk or quota under a shared map), or the device could not do the I/O (EIO).
// Faults elsewhere go to the previous handler.
#pragma once
#include <cstddef>
#include <cstdint>

namespace memmap::guard {

// Installs the handler once per process; returns whether truncation safety is active.
bool Install();

// Slots are reused; -1 means "not registered" (registry full or guard inactive). `fd` is the file
// a shared map writes to (kept open by core for the map's life), or -1 when the map holds none:
// then a fault can only be put down to truncation. `fileOffset` is the file offset of `base`.
int Register(void* base, size_t length, int fd, uint64_t fileOffset);
void Update(int slot, void* base, size_t length);
void Unregister(int slot);

// Why a page of this slot's range failed since it was registered: 0 = no fault, kTruncated = the
// file was shorter than the page, else a positive errno (ENOSPC, EIO). The first fault wins.
constexpr int kTruncated = -1;
int Fault(int slot);

}  // namespace memmap::guard
