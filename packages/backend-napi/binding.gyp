{
  "targets": [{
    "target_name": "memmap",
    "sources": [
      "src/native/addon.cc",
      "src/native/native_map.cc",
      "src/native/mapping.cc",
      "src/native/jobs.cc",
      "src/native/waiters.cc",
      "src/native/unmapper.cc",
      "src/native/share.cc",
      "src/native/native_share.cc"
    ],
    "conditions": [
      # Platform code, one file per OS family behind os.h (which also declares what wait_* and shm_*
      # implement: wait/wake and named memory), guard.h, descriptors.h, pin.h and random.h.
      # These lists are the only ones: scripts/prebuild.mjs reads them too (native-sources.mjs; its
      # win32-x64 prebuild uses mingw-w64, not these MSVC settings), and test/native-sources.test.ts
      # checks every src/native/*.cc is listed once, common or under its family.
      ["OS!='win'", { "sources": ["src/native/os_posix.cc", "src/native/guard_posix.cc", "src/native/descriptors_posix.cc", "src/native/wait_posix.cc", "src/native/shm_posix.cc", "src/native/pin_posix.cc", "src/native/random_posix.cc"],
                    "libraries": ["-ldl"] }],
      ["OS=='win'", {
        "sources": ["src/native/os_win.cc", "src/native/guard_win.cc", "src/native/host_win.cc", "src/native/descriptors_win.cc", "src/native/wait_win.cc", "src/native/shm_win.cc", "src/native/pin_win.cc", "src/native/random_win.cc"],
        "defines": ["_WIN32_WINNT=0x0A00", "PSAPI_VERSION=2", "NOMINMAX", "WIN32_LEAN_AND_MEAN"],
        "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17"] } }
      }]
    ],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS", "_FILE_OFFSET_BITS=64"],
    "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "cflags_cc!": ["-std=gnu++14", "-std=gnu++17"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "10.15"
    }
  }]
}
