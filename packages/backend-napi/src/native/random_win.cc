// Windows side of random.h: rand_s, which the C runtime serves from the system's RtlGenRandom.
#define _CRT_RAND_S
#include <stdlib.h>

#include <cstdint>
#include <cstring>

#include "random.h"

namespace memmap::os {

bool SecureRandom(void* out, size_t length) {
  auto* bytes = static_cast<uint8_t*>(out);
  for (size_t done = 0; done < length;) {
    unsigned int word = 0;
    if (rand_s(&word) != 0) return false;
    size_t take = length - done < sizeof word ? length - done : sizeof word;
    std::memcpy(bytes + done, &word, take);
    done += take;
  }
  return true;
}

}  // namespace memmap::os
