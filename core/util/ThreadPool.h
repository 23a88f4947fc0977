#pragma once
// A fixed pool of worker threads for data-parallel loops (stepping a batch of
// envs, batched network passes). The calling thread takes part in the work.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace palaestra {

class ThreadPool {
 public:
  /// A pool running loops on `threads` threads in total (the caller included); 0 = all cores.
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Number of threads a loop runs on, the caller included.
  int size() const { return static_cast<int>(workers_.size()) + 1; }
  /// Calls fn(begin, end) over contiguous chunks of [0, n), one chunk per thread; blocks until done.
  void parallelFor(int n, const std::function<void(int begin, int end)>& fn);

 private:
  void workerLoop(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int, int)>* job_ = nullptr;
  int jobSize_ = 0;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace palaestra
