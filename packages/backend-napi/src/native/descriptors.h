// A caller's descriptor, asked natively (Node has no fcntl): its access mode, and a duplicate for a
// shared map to keep while it lives. descriptors_posix.cc and descriptors_win.cc implement it;
// returns 0 or an error number as os.h does.
#pragma once

namespace memmap::os {

// *mode: 0 read-only, 1 write-only, 2 read-write (O_ACCMODE).
int AccessMode(int fd, int* mode);
// A new close-on-exec descriptor on the same open file description.
int Duplicate(int fd, int* out);
// fstat: *size in bytes, *type 0 regular file, 1 directory, 2 FIFO, 3 socket, 4 other.
int Stat(int fd, double* size, int* type);
// Opens a path read-only (close-on-exec, non-blocking so a FIFO cannot hang the open) for a map
// that keeps no descriptor: mapPath() opens, maps and closes in one native call.
int OpenRead(const char* path, int* fd);
// close(2) of a descriptor no runtime fs owns (Deno's node:fs refuses descriptors it did not open:
// the backends reopen a shm_open descriptor through /proc/self/fd and close the original here).
int Close(int fd);

}  // namespace memmap::os
