{
  "targets": [{
    "target_name": "memmap",
    "sources": [
      "src/native/addon.cc",
      "src/native/native_map.cc",
      "src/native/mapping.cc",
      "src/native/jobs.cc",
      "src/native/waiters.cc",
      "src/native/unmapper.cc"
    ],
    "conditions": [
      # Platform code, one file per OS family. Windows (mapping_win.cc, guard_win.cc) is not written yet.
      ["OS!='win'", { "sources": ["src/native/mapping_posix.cc", "src/native/guard_posix.cc", "src/native/descriptors_posix.cc", "src/native/wait_posix.cc", "src/native/shm_posix.cc"] }]
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
