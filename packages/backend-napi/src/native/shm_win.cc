// Windows side of os.h's named shared memory: not offered yet. Windows names a paging-file
// section (CreateFileMappingW with `Local\<name>`), which is not a descriptor core can map and
// resize like POSIX shm_open's; until that path exists HasNamed() is false and core refuses
// mapNamed (ERR_MMAP_UNSUPPORTED).
#include <cerrno>

#include "os.h"

namespace memmap::os {

bool HasNamed() { return false; }
int ShmOpen(const char*, bool, bool, int, int*, bool*) { return ENOSYS; }
int ShmUnlink(const char*) { return ENOSYS; }

}  // namespace memmap::os
