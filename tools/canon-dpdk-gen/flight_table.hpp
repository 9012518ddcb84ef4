// Which query a response answers: every packet gets a distinct (source port,
// DNS id) pair from its sequence number, and a window of the most recent
// packets remembers which query each carried.
//
//   seq ──▶ slot = seq mod 2^28 ──▶ sport = base + (slot mod 4096), id = slot / 4096
//   response (sport, id) ──▶ slot ──▶ window[slot mod W] = {slot | pending, query}
//
// Consecutive packets differ in source port first (spreads them over RSS
// queues). The window holds the last W (2^20 by default) packets: a response
// arriving after W more packets were sent counts as unknown, like a lost one.
// Allocated once, before the run; launch() and land() touch one entry.
#pragma once

#include <cstdint>
#include <vector>

namespace canon::gen {

class FlightTable {
 public:
  static constexpr std::uint32_t kPorts = 4096;
  static constexpr std::uint32_t kSlotMask = (1u << 28) - 1;  // 4096 ports x 65536 ids

  struct Key {
    std::uint16_t sport;
    std::uint16_t id;
  };
  enum class Landing : std::uint8_t { kFirst, kUnknown, kDuplicate };

  explicit FlightTable(std::uint16_t port_base, unsigned window_log2 = 20)
      : port_base_(port_base),
        mask_((1u << window_log2) - 1),
        window_(std::size_t{1} << window_log2, Entry{kEmpty, 0}) {}

  [[nodiscard]] Key key_of(std::uint64_t seq) const {
    const auto slot = static_cast<std::uint32_t>(seq) & kSlotMask;
    return Key{static_cast<std::uint16_t>(port_base_ + (slot & (kPorts - 1))),
               static_cast<std::uint16_t>(slot >> 12)};
  }

  [[nodiscard]] bool port_in_range(std::uint16_t sport) const {
    return static_cast<std::uint16_t>(sport - port_base_) < kPorts;
  }

  void launch(std::uint64_t seq, std::uint32_t query) {
    const auto slot = static_cast<std::uint32_t>(seq) & kSlotMask;
    window_[slot & mask_] = Entry{slot | kPending, query};
  }

  // The query the packet (sport, id) carried, when it is in the window and
  // still pending (first answer); `query` is set for kFirst only.
  [[nodiscard]] Landing find(std::uint16_t sport, std::uint16_t id, std::uint32_t& query) const {
    const std::uint32_t slot =
        static_cast<std::uint32_t>(id) << 12 | static_cast<std::uint16_t>(sport - port_base_);
    const Entry& entry = window_[slot & mask_];
    if (entry.tag == (slot | kPending)) {
      query = entry.query;
      return Landing::kFirst;
    }
    return entry.tag == slot ? Landing::kDuplicate : Landing::kUnknown;
  }

  // Marks (sport, id) answered: a second answer is then a duplicate.
  void land(std::uint16_t sport, std::uint16_t id) {
    const std::uint32_t slot =
        static_cast<std::uint32_t>(id) << 12 | static_cast<std::uint16_t>(sport - port_base_);
    window_[slot & mask_].tag = slot;
  }

 private:
  static constexpr std::uint32_t kPending = 1u << 31;
  static constexpr std::uint32_t kEmpty = ~0u;  // matches no slot, pending or not
  struct Entry {
    std::uint32_t tag;  // slot, with kPending until answered
    std::uint32_t query;
  };
  std::uint16_t port_base_;
  std::uint32_t mask_;
  std::vector<Entry> window_;
};

}  // namespace canon::gen
