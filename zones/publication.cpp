#include "zones/publication.hpp"

#include <chrono>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include <rte_rcu_qsbr.h>

namespace canon::zones {

RcuDomain::RcuDomain(unsigned max_readers) {
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

RcuDomain::~RcuDomain() { std::free(qsbr_); }

void RcuDomain::register_reader(unsigned id) {
  if (rte_rcu_qsbr_thread_register(qsbr_, id) != 0) {
    throw std::runtime_error("cannot register reader " + std::to_string(id));
  }
}

void RcuDomain::unregister_reader(unsigned id) {
  rte_rcu_qsbr_thread_offline(qsbr_, id);
  rte_rcu_qsbr_thread_unregister(qsbr_, id);
}

void RcuDomain::online(unsigned id) const noexcept { rte_rcu_qsbr_thread_online(qsbr_, id); }
void RcuDomain::offline(unsigned id) const noexcept { rte_rcu_qsbr_thread_offline(qsbr_, id); }
void RcuDomain::quiescent(unsigned id) const noexcept { rte_rcu_qsbr_quiescent(qsbr_, id); }

double RcuDomain::wait_for_readers() const {
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t token = rte_rcu_qsbr_start(qsbr_);
  // Poll rather than spin: the control thread shares a core with a worker
  // on small machines, and a grace period is one worker loop (≤ a burst).
  while (rte_rcu_qsbr_check(qsbr_, token, false) == 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace canon::zones
