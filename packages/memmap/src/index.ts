// The one-line install: everything @memmap/core exports. The backends come as dependencies
// (fallback always; napi and ffi optional, so a platform where they cannot install still installs),
// and core's loadBackend() picks the first that loads: napi, then ffi, then fallback.
export * from '@memmap/core';
