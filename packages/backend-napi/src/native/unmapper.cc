// One process-wide background thread that unmaps deferred spans (see unmapper.h). Its state is
// allocated once and never freed, so exit-time destructors never race with the thread.
#include "unmapper.h"

#include <condition_variable>
#include <mutex>
#include <vector>
#ifndef _WIN32
#include <pthread.h>
#endif

namespace memmap::unmapper {
namespace {

// Back-pressure: past this many spans waiting, the JS thread unmaps its own, so a loop that maps
// faster than the thread unmaps cannot pile up address space or the kernel's map count.
constexpr size_t kMaxPending = 256;
// Spans up to this size are unmapped on the calling thread: at most 256 pages, so tens of µs even
// when every page is resident; only larger ones go to the thread.
constexpr size_t kInlineBytes = 1 << 20;

struct Queue {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<os::Span> spans;
  bool started = false;
  bool failed = false;
};

Queue& TheQueue() {
  static Queue* queue = new Queue();
  return *queue;
}

#ifndef _WIN32  // the thread exists on POSIX only (Start below)
void* Run(void* arg) {
  auto* q = static_cast<Queue*>(arg);
  std::vector<os::Span> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(q->mutex);
      q->wake.wait(lock, [q] { return !q->spans.empty(); });
      batch.swap(q->spans);
    }
    for (const os::Span& span : batch) os::Unmap(span);
    batch.clear();
  }
  return nullptr;
}
#endif

// Starts the thread; false if none can be had (then spans are unmapped inline).
bool Start(Queue* q) {
#ifdef _WIN32
  (void)q;
  return false;  // not wired up on Windows: unmap inline
#else
  pthread_t thread;
  if (pthread_create(&thread, nullptr, Run, q) != 0) return false;
  pthread_detach(thread);
  return true;
#endif
}

}  // namespace

void Defer(const os::Span& span) {
  if (span.length == 0) return;
  // A small span costs less to unmap here than to hand over: waking the thread is a syscall, and a
  // munmap from another thread makes the kernel flush this thread's TLB by interrupt (measured:
  // open+map+close of a 4 KiB file went from 6.5 to 4.0 µs with inline munmap).
  if (span.length <= kInlineBytes) {
    os::Unmap(span);
    return;
  }
  Queue& q = TheQueue();
  bool notify = false;
  bool inline_ = false;
  {
    std::lock_guard<std::mutex> lock(q.mutex);
    if (!q.started && !q.failed) {
      q.started = Start(&q);
      q.failed = !q.started;  // no thread to be had: unmap inline from now on
    }
    if (q.failed || q.spans.size() >= kMaxPending) {
      inline_ = true;  // unmapped below, outside the lock
    } else {
      notify = q.spans.empty();  // the thread only sleeps when the queue is empty
      q.spans.push_back(span);
    }
  }
  if (inline_) {
    os::Unmap(span);
    return;
  }
  if (notify) q.wake.notify_one();
}

}  // namespace memmap::unmapper
