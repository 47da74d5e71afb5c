// Between the Windows platform files: the views whose memory other processes share (shared and
// read file maps, named maps) are registered with wait_win.cc under the identity of what they show
// (the file's volume serial and index, or the section's name), so a wait/notify on an address can
// find the table of waiters that every process mapping the same memory uses.
#pragma once
#include <windows.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace memmap::os {

// "f<volume serial>-<file index>" for a file HANDLE; false if Windows cannot say.
bool FileIdentity(HANDLE file, std::string* identity);
// "n-<name>" for the named section `Local\<name>`.
std::string SectionIdentity(const char* name);
// The view [base, base + length) shows the object `identity` from byte `objectOffset` on.
void RegisterView(void* base, size_t length, const std::string& identity, uint64_t objectOffset);
// The view at `base` is gone (unmapped or swapped for zero memory); nothing if none was registered.
void UnregisterView(void* base);

}  // namespace memmap::os
