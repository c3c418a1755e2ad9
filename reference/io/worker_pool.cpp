// SPDX-License-Identifier: MIT
// The worker pool (see worker_pool.hpp). A run opens for helpers, the
// caller takes jobs too, and once it finds none left it closes the run:
// helpers that come later stay out, and the caller waits only for the ones
// still finishing a job, so a slow wake-up never delays a batch.
#include "io/worker_pool.hpp"

#include <sched.h>

namespace wg::io {

WorkerPool::WorkerPool(std::size_t helpers) {
    for (std::size_t i = 0; i < helpers; ++i) threads_.emplace_back([this] { help(); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

std::size_t WorkerPool::cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return static_cast<std::size_t>(CPU_COUNT(&set));
}

void WorkerPool::take_jobs(const std::function<void(std::size_t)>& job, std::size_t count) {
    for (std::size_t i = next_.fetch_add(1); i < count; i = next_.fetch_add(1)) job(i);
}

void WorkerPool::run(std::size_t count, const std::function<void(std::size_t)>& job) {
    if (threads_.empty() || count < 2) {
        for (std::size_t i = 0; i < count; ++i) job(i);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        job_ = &job;
        count_ = count;
        next_ = 0;
        open_ = true;
        ++generation_;
    }
    wake_.notify_all();
    take_jobs(job, count);
    {
        std::lock_guard lock(mutex_);
        open_ = false;  // latecomers stay out
    }
    // Helpers that joined are each finishing one job at most.
    while (active_.load() != 0) std::this_thread::yield();
}

void WorkerPool::help() {
    std::uint64_t seen = 0;
    while (true) {
        // Watch for the next batch a little while, then sleep until woken.
        const auto until = std::chrono::steady_clock::now() + kWatch;
        while (generation_.load() == seen && !stopping_.load() && std::chrono::steady_clock::now() < until) {
            std::this_thread::yield();
        }
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_.load() || (open_ && generation_.load() != seen); });
        if (stopping_) return;
        seen = generation_;
        ++active_;
        const auto* job = job_;
        const std::size_t count = count_;
        lock.unlock();
        take_jobs(*job, count);
        --active_;
    }
}

}  // namespace wg::io
