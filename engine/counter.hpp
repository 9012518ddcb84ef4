// A counter that one thread writes and other threads read while it runs:
// the workers' query counters, read by the control thread for stats.
//
// Relaxed atomic load and store, never a read-modify-write (there is one
// writer), so on x86-64 an increment is the same load/add/store a plain
// std::uint64_t gets: no lock prefix, no fence. What it buys is a defined
// race: the C++ memory model (and ThreadSanitizer) know the readers' loads
// are meant, and a reader can never see a torn word.
#pragma once

#include <atomic>
#include <cstdint>

namespace canon::engine {

class Counter {
 public:
  constexpr Counter() noexcept = default;
  constexpr Counter(std::uint64_t value) noexcept : value_(value) {}  // NOLINT: a number
  Counter(const Counter& other) noexcept : value_(other.load()) {}
  Counter& operator=(const Counter& other) noexcept { return *this = other.load(); }
  Counter& operator=(std::uint64_t value) noexcept {
    value_.store(value, std::memory_order_relaxed);
    return *this;
  }

  Counter& operator+=(std::uint64_t n) noexcept { return *this = load() + n; }
  Counter& operator-=(std::uint64_t n) noexcept { return *this = load() - n; }
  Counter& operator++() noexcept { return *this += 1; }
  Counter& operator--() noexcept { return *this -= 1; }
  void operator++(int) noexcept { *this += 1; }

  [[nodiscard]] std::uint64_t load() const noexcept { return value_.load(std::memory_order_relaxed); }
  operator std::uint64_t() const noexcept { return load(); }  // NOLINT: reads as a number

 private:
  std::atomic<std::uint64_t> value_{0};
};

static_assert(sizeof(Counter) == sizeof(std::uint64_t) && std::atomic<std::uint64_t>::is_always_lock_free);

}  // namespace canon::engine
