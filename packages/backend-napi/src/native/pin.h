// Keeps this addon loaded for the life of the process. Node 20 unloads (dlclose) an addon when the
// last env that loaded it ends: a program whose Workers load memmap but whose main thread never
// does would see the module's code unmapped while its own threads (the background unmapper,
// waitAsync's waiter threads, thread-pool jobs) or its SIGBUS handler still run it. Pinned, every
// later load gets the same copy, as when the main thread holds it.
#pragma once

namespace memmap::pin {

// Pins the module holding this code; idempotent, cheap after the first call. False if the OS
// refused (then the addon behaves as before: safe as long as some thread keeps it loaded).
bool PinModule();

}  // namespace memmap::pin
