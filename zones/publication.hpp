// Snapshot publication: one atomic pointer, QSBR RCU (DPDK's rte_rcu_qsbr) to
// know when an old snapshot is unreachable.
//
//   control thread (publish)              worker w (one SnapshotReader each)
//   ─────────────────────────             ──────────────────────────────────
//   current_ ← next (release)             loop:
//   token ← rte_rcu_qsbr_start              offline()   before blocking in the kernel
//   poll until every online reader          online()    after it returns
//     reported quiescent after token        snap ← snapshot()     (acquire)
//   drop the old snapshot                   answer the burst from *snap
//                                           quiescent() — snap is not used again
//
// A reader holds a snapshot only between snapshot() and its next quiescent()
// or offline(); an offline reader holds none, so a worker asleep in recvmmsg
// never delays a swap. Readers cost two stores and a fence per loop; nothing
// on their side locks or allocates.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "zones/snapshot.hpp"

struct rte_rcu_qsbr;

namespace canon::zones {

class SnapshotPublisher;

// One per worker thread, used only by that thread.
class SnapshotReader {
 public:
  void online() noexcept;
  void offline() noexcept;
  void quiescent() noexcept;
  [[nodiscard]] const Snapshot& snapshot() const noexcept;
  [[nodiscard]] unsigned id() const noexcept { return id_; }

 private:
  friend class SnapshotPublisher;
  SnapshotReader(const SnapshotPublisher& publisher, unsigned id) : publisher_(&publisher), id_(id) {}
  const SnapshotPublisher* publisher_;
  unsigned id_;
};

class SnapshotPublisher {
 public:
  // `first` is served until the first publish(); readers get ids 0..max-1.
  SnapshotPublisher(std::shared_ptr<const Snapshot> first, unsigned max_readers);
  ~SnapshotPublisher();
  SnapshotPublisher(const SnapshotPublisher&) = delete;
  SnapshotPublisher& operator=(const SnapshotPublisher&) = delete;

  // Registers reader `id` (offline until it calls online()).
  [[nodiscard]] SnapshotReader reader(unsigned id);
  void unregister(const SnapshotReader& reader);

  // Control thread: makes `next` the served snapshot, waits for the grace
  // period, frees the old one. Returns the new generation.
  std::uint64_t publish(std::shared_ptr<const Snapshot> next);

  [[nodiscard]] std::uint64_t generation() const noexcept {
    return generation_.load(std::memory_order_relaxed);
  }
  // The control thread's owning view of what is served.
  [[nodiscard]] const std::shared_ptr<const Snapshot>& served() const noexcept { return owner_; }
  // Seconds the last publish() waited for readers.
  [[nodiscard]] double last_grace_seconds() const noexcept { return last_grace_seconds_; }

 private:
  friend class SnapshotReader;
  rte_rcu_qsbr* qsbr_;
  std::atomic<const Snapshot*> current_;
  std::shared_ptr<const Snapshot> owner_;
  std::atomic<std::uint64_t> generation_{1};
  double last_grace_seconds_ = 0;
};

}  // namespace canon::zones
