#pragma once
// Happens-before edges that ThreadSanitizer cannot see by itself.
//
// DPDK hands work to its lcores and waits for them through its own atomics,
// in libraries not built with -fsanitize=thread. TSan therefore sees the
// main thread's writes before rte_eal_remote_launch and the worker's writes
// before rte_eal_mp_wait_lcore as unordered, and reports races that are not
// there (the net_pcap PMD's buffers freed by rte_eth_dev_stop, for one).
// These two calls name the edge DPDK already guarantees; outside a TSan
// build they compile to nothing.

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace canon::nic {

// Everything this thread wrote before happens_before(token)...
inline void happens_before([[maybe_unused]] void* token) noexcept {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(token);
#endif
}

// ...is visible to a thread after its happens_after(token).
inline void happens_after([[maybe_unused]] void* token) noexcept {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(token);
#endif
}

}  // namespace canon::nic
