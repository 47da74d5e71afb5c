// Between the Windows platform files: a named map's view holds its section's HANDLE (shm_win.cc),
// which os_win.cc releases when it unmaps or neutralises the view.
#pragma once

namespace memmap::os {

// Closes the section HANDLE held for the view at `base`, if it is a named map's view.
void ReleaseSection(void* base);

}  // namespace memmap::os
