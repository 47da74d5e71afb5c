// Secret random bytes from the OS (random_posix.cc, random_win.cc), for keys that must not be
// guessable from outside the process. Not std::random_device: in a static libstdc++ it pulls in
// arc4random, which would raise the glibc the Linux prebuilds need from 2.34 to 2.36.
#pragma once
#include <cstddef>

namespace memmap::os {

// Fills `out` with `length` bytes from the OS's random source; false if none could be had.
bool SecureRandom(void* out, size_t length);

}  // namespace memmap::os
