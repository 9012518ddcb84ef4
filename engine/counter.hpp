// A counter that one thread writes and other threads read while it runs:
// the workers' query counters, read by the control thread for stats.
//
// The readers' loads are relaxed atomic loads, so the race is defined (the
// C++ memory model and ThreadSanitizer know it is meant) and a reader never
// sees a torn word. The writer never needs a read-modify-write (there is
// one writer): on x86-64 an increment is one `add` to memory, as for a plain
// std::uint64_t (an aligned 8-byte store is atomic there), with no lock
// prefix and no fence. A relaxed load then store would cost two instructions
// more per counter, ~17 per answer. Elsewhere, and under ThreadSanitizer
// (which must see the writes), it is that relaxed load and store.
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

  Counter& operator+=(std::uint64_t n) noexcept {
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
    asm("addq %1, %0" : "+m"(*reinterpret_cast<std::uint64_t*>(&value_)) : "er"(n));
    return *this;
#else
    return *this = load() + n;
#endif
  }
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
