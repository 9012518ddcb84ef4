// Publication: one atomic pointer, QSBR RCU (DPDK's rte_rcu_qsbr) to know
// when an old version is unreachable. What is published is a T: canond
// publishes engine::Served (the snapshot and the policy together, so one
// pointer swap changes what every worker serves); tests publish a Snapshot.
//
//   control thread (publish)              worker w (one Reader each)
//   ─────────────────────────             ──────────────────────────────────
//   current_ ← next (release)             loop:
//   token ← rte_rcu_qsbr_start              offline()   before blocking in the kernel
//   poll until every online reader          online()    after it returns
//     reported quiescent after token        t ← current()       (acquire)
//   drop the old version                    answer the burst from *t
//                                           quiescent() — t is not used again
//
// A reader holds a version only between current() and its next quiescent()
// or offline(); an offline reader holds none, so a worker asleep in recvmmsg
// never delays a swap. Readers cost two stores and a fence per loop; nothing
// on their side locks or allocates.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include "zones/snapshot.hpp"

struct rte_rcu_qsbr;

namespace canon::zones {

// The QSBR state shared by a publisher and its readers (not a template, so
// DPDK's header stays in publication.cpp).
class RcuDomain {
 public:
  explicit RcuDomain(unsigned max_readers);
  ~RcuDomain();
  RcuDomain(const RcuDomain&) = delete;
  RcuDomain& operator=(const RcuDomain&) = delete;

  void register_reader(unsigned id);
  void unregister_reader(unsigned id);
  void online(unsigned id) const noexcept;
  void offline(unsigned id) const noexcept;
  void quiescent(unsigned id) const noexcept;
  // Waits until every online reader passed a quiescent point; returns the seconds waited.
  double wait_for_readers() const;

 private:
  rte_rcu_qsbr* qsbr_;
};

template <class T>
class Publisher;

// One per worker thread, used only by that thread.
template <class T>
class Reader {
 public:
  void online() noexcept { publisher_->rcu_.online(id_); }
  void offline() noexcept { publisher_->rcu_.offline(id_); }
  void quiescent() noexcept { publisher_->rcu_.quiescent(id_); }
  [[nodiscard]] const T& current() const noexcept {
    return *publisher_->current_.load(std::memory_order_acquire);
  }
  [[nodiscard]] unsigned id() const noexcept { return id_; }

 private:
  friend class Publisher<T>;
  Reader(const Publisher<T>& publisher, unsigned id) : publisher_(&publisher), id_(id) {}
  const Publisher<T>* publisher_;
  unsigned id_;
};

template <class T>
class Publisher {
 public:
  // `first` is served until the first publish(); readers get ids 0..max-1.
  Publisher(std::shared_ptr<const T> first, unsigned max_readers)
      : rcu_(max_readers), current_(first.get()), owner_(std::move(first)) {
    if (!owner_) throw std::invalid_argument("Publisher needs a first version to serve");
  }

  // Registers reader `id` (offline until it calls online()).
  [[nodiscard]] Reader<T> reader(unsigned id) {
    rcu_.register_reader(id);
    return Reader<T>(*this, id);
  }
  void unregister(const Reader<T>& reader) { rcu_.unregister_reader(reader.id()); }

  // Control thread: makes `next` the served version, waits for the grace
  // period, frees the old one. Returns the new generation.
  std::uint64_t publish(std::shared_ptr<const T> next) {
    if (!next) throw std::invalid_argument("publish needs a version to serve");
    current_.store(next.get(), std::memory_order_release);
    last_grace_seconds_ = rcu_.wait_for_readers();
    owner_ = std::move(next);  // frees the old version: no reader can hold it now
    return generation_.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  [[nodiscard]] std::uint64_t generation() const noexcept {
    return generation_.load(std::memory_order_relaxed);
  }
  // The control thread's owning view of what is served.
  [[nodiscard]] const std::shared_ptr<const T>& served() const noexcept { return owner_; }
  // Seconds the last publish() waited for readers.
  [[nodiscard]] double last_grace_seconds() const noexcept { return last_grace_seconds_; }

 private:
  friend class Reader<T>;
  RcuDomain rcu_;
  std::atomic<const T*> current_;
  std::shared_ptr<const T> owner_;
  std::atomic<std::uint64_t> generation_{1};
  double last_grace_seconds_ = 0;
};

using SnapshotPublisher = Publisher<Snapshot>;
using SnapshotReader = Reader<Snapshot>;

}  // namespace canon::zones
