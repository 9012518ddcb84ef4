#include "zones/publication.hpp"

#include <chrono>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include <rte_rcu_qsbr.h>

namespace canon::zones {

void SnapshotReader::online() noexcept { rte_rcu_qsbr_thread_online(publisher_->qsbr_, id_); }
void SnapshotReader::offline() noexcept { rte_rcu_qsbr_thread_offline(publisher_->qsbr_, id_); }
void SnapshotReader::quiescent() noexcept { rte_rcu_qsbr_quiescent(publisher_->qsbr_, id_); }

const Snapshot& SnapshotReader::snapshot() const noexcept {
  return *publisher_->current_.load(std::memory_order_acquire);
}

SnapshotPublisher::SnapshotPublisher(std::shared_ptr<const Snapshot> first, unsigned max_readers)
    : current_(first.get()), owner_(std::move(first)) {
  if (!owner_) throw std::invalid_argument("SnapshotPublisher needs a first snapshot");
  const std::size_t size = rte_rcu_qsbr_get_memsize(max_readers);
  // rte_rcu_qsbr wants cache-line alignment; aligned_alloc wants a multiple.
  const std::size_t rounded = (size + 63) / 64 * 64;
  qsbr_ = static_cast<rte_rcu_qsbr*>(std::aligned_alloc(64, rounded));
  if (!qsbr_) throw std::bad_alloc();
  if (rte_rcu_qsbr_init(qsbr_, max_readers) != 0) {
    std::free(qsbr_);
    throw std::runtime_error("rte_rcu_qsbr_init failed for " + std::to_string(max_readers) + " readers");
  }
}

SnapshotPublisher::~SnapshotPublisher() { std::free(qsbr_); }

SnapshotReader SnapshotPublisher::reader(unsigned id) {
  if (rte_rcu_qsbr_thread_register(qsbr_, id) != 0) {
    throw std::runtime_error("cannot register snapshot reader " + std::to_string(id));
  }
  return SnapshotReader(*this, id);
}

void SnapshotPublisher::unregister(const SnapshotReader& reader) {
  rte_rcu_qsbr_thread_offline(qsbr_, reader.id());
  rte_rcu_qsbr_thread_unregister(qsbr_, reader.id());
}

std::uint64_t SnapshotPublisher::publish(std::shared_ptr<const Snapshot> next) {
  if (!next) throw std::invalid_argument("publish needs a snapshot");
  const auto start = std::chrono::steady_clock::now();
  current_.store(next.get(), std::memory_order_release);
  const std::uint64_t token = rte_rcu_qsbr_start(qsbr_);
  // Poll rather than spin: the control thread shares a core with a worker
  // on small machines, and a grace period is one worker loop (≤ a burst).
  while (rte_rcu_qsbr_check(qsbr_, token, false) == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  last_grace_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  owner_ = std::move(next);  // frees the old snapshot: no reader can hold it now
  return generation_.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace canon::zones
