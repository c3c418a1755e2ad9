// SPDX-License-Identifier: MIT
// The cores the I/O shell lends the Device for its batches' crypto
// (device/batch.cpp, DeviceOptions::parallel_for): helper threads started
// once, woken for each batch, taking jobs one at a time from a shared count
// while the caller works alongside them. Waking a sleeping thread takes tens
// of microseconds, as long as sealing a whole batch, so a helper that has
// just finished watches for the next batch a little while before it sleeps:
// under load batches follow each other and the helpers stay awake; idle,
// they sleep. Only sealing and opening run here;
// everything else stays on the caller's thread, so no protocol state is
// ever shared (the kernel's design, with its per-CPU crypt workers).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wg::io {

class WorkerPool {
public:
    /// `helpers` threads beside the caller; 0: the caller does every job.
    explicit WorkerPool(std::size_t helpers);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// job(0) .. job(count - 1), each exactly once, on any of the threads;
    /// returns when all are done.
    void run(std::size_t count, const std::function<void(std::size_t)>& job);
    std::size_t helpers() const { return threads_.size(); }
    /// run() as a DeviceOptions::parallel_for, lending this pool to a Device.
    std::function<void(std::size_t, const std::function<void(std::size_t)>&)> parallel_for() {
        return [this](std::size_t count, const std::function<void(std::size_t)>& job) { run(count, job); };
    }

    /// The cores this process may run on (sched_getaffinity).
    static std::size_t cores();

private:
    void help();
    void take_jobs(const std::function<void(std::size_t)>& job, std::size_t count);

    /// How long a helper watches for the next batch before it sleeps.
    static constexpr std::chrono::microseconds kWatch{200};

    std::mutex mutex_;
    std::condition_variable wake_;
    const std::function<void(std::size_t)>* job_ = nullptr;  ///< the run's, under mutex_
    std::size_t count_ = 0;
    bool open_ = false;                          ///< helpers may still join this run (under mutex_)
    std::atomic<std::uint64_t> generation_{0};   ///< one per run()
    std::atomic<std::size_t> next_{0};           ///< the next job to take
    std::atomic<std::size_t> active_{0};         ///< helpers inside this run
    std::atomic<bool> stopping_{false};
    std::vector<std::thread> threads_;
};

}  // namespace wg::io
