#include "util/ThreadPool.h"

#include <algorithm>

namespace palaestra {

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 0; i < threads - 1; ++i) workers_.emplace_back([this, i] { workerLoop(i + 1); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

static void chunkOf(int n, int parts, int index, int& begin, int& end) {
  const int base = n / parts, extra = n % parts;
  begin = index * base + std::min(index, extra);
  end = begin + base + (index < extra ? 1 : 0);
}

void ThreadPool::parallelFor(int n, const std::function<void(int, int)>& fn) {
  if (n <= 0) return;
  const int parts = std::min(n, size());
  if (parts == 1) {
    fn(0, n);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = &fn;
    jobSize_ = n;
    pending_ = static_cast<int>(workers_.size());
    error_ = nullptr;
    ++generation_;
  }
  wake_.notify_all();
  int begin, end;
  chunkOf(n, size(), 0, begin, end);
  std::exception_ptr mine;
  try {
    if (begin < end) fn(begin, end);
  } catch (...) {
    mine = std::current_exception();
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  job_ = nullptr;
  if (mine) std::rethrow_exception(mine);
  if (error_) std::rethrow_exception(error_);
}

void ThreadPool::workerLoop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int, int)>* job;
    int n;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job = job_;
      n = jobSize_;
    }
    int begin, end;
    chunkOf(n, size(), index, begin, end);
    try {
      if (begin < end) (*job)(begin, end);
    } catch (...) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_all();
    }
  }
}

}  // namespace palaestra
