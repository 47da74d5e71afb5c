// Truncation guard: a process-wide SIGBUS handler plus a registry of this addon's live file
// mappings. A fault inside a registered range (the file was cut under the map) gets a zero page
// mapped over it and the slot is flagged; faults elsewhere go to the previous handler.
#pragma once
#include <cstddef>

namespace memmap::guard {

// Installs the handler once per process; returns whether truncation safety is active.
bool Install();

// Slots are reused; -1 means "not registered" (registry full or guard inactive).
int Register(void* base, size_t length);
void Update(int slot, void* base, size_t length);
void Unregister(int slot);
// Whether a fault was repaired inside this slot's range since it was registered.
bool Truncated(int slot);

}  // namespace memmap::guard
