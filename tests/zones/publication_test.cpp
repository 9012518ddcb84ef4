// Snapshot publication (zones/publication.hpp): a publish returns only when no
// online reader can still hold the old snapshot, and only then frees it; an
// offline reader (a worker asleep in the kernel) never delays it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/publication.hpp"

namespace canon::zones {
namespace {

using namespace std::chrono_literals;

// A snapshot whose destruction sets `freed`.
std::shared_ptr<const Snapshot> tracked(std::atomic<bool>& freed) {
  std::shared_ptr<const Snapshot> base = compile({}).snapshot;
  EXPECT_TRUE(base);
  const Snapshot* raw = base.get();
  return std::shared_ptr<const Snapshot>(raw, [base, &freed](const Snapshot*) mutable {
    base.reset();
    freed = true;
  });
}

TEST(Publication, OldSnapshotLivesUntilTheOnlineReaderIsQuiescent) {
  std::atomic<bool> first_freed{false};
  std::atomic<bool> second_freed{false};
  auto first = tracked(first_freed);
  const Snapshot* first_raw = first.get();
  SnapshotPublisher publisher(std::move(first), 2);
  SnapshotReader reader = publisher.reader(0);
  reader.online();
  const Snapshot& held = reader.current();  // the worker is mid-burst with it
  EXPECT_EQ(&held, first_raw);

  auto second = tracked(second_freed);
  const Snapshot* second_raw = second.get();
  auto done = std::async(std::launch::async, [&] { return publisher.publish(std::move(second)); });
  EXPECT_EQ(done.wait_for(100ms), std::future_status::timeout) << "publish must wait for the reader";
  EXPECT_FALSE(first_freed) << "freed while a reader could still use it";
  EXPECT_EQ(&reader.current(), second_raw) << "new bursts see the new snapshot at once";

  reader.quiescent();  // the burst is done: the old pointer is dropped
  ASSERT_EQ(done.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(done.get(), 2u);
  EXPECT_TRUE(first_freed);
  EXPECT_FALSE(second_freed);
  EXPECT_EQ(publisher.generation(), 2u);
  publisher.unregister(reader);
}

TEST(Publication, OfflineReadersDoNotDelayASwap) {
  std::atomic<bool> freed{false};
  SnapshotPublisher publisher(tracked(freed), 4);
  SnapshotReader asleep = publisher.reader(0);
  SnapshotReader also_asleep = publisher.reader(3);
  asleep.online();
  asleep.offline();  // blocked in epoll_wait, holding nothing
  std::atomic<bool> next_freed{false};
  publisher.publish(tracked(next_freed));
  EXPECT_TRUE(freed);
  publisher.unregister(asleep);
  publisher.unregister(also_asleep);
}

TEST(Publication, ManySwapsUnderAReaderLoop) {
  // A worker loop (online, read, quiescent) against 200 publishes: every
  // snapshot it reads is alive until it is quiescent, and it never sees an
  // older one after a newer one.
  constexpr int kSnapshots = 201;
  std::vector<std::shared_ptr<const Snapshot>> pending;
  std::vector<const Snapshot*> raw;  // built before the worker starts, read only after
  std::vector<std::atomic<bool>> freed(kSnapshots);
  std::atomic<int> live{0};
  for (int i = 0; i < kSnapshots; ++i) {
    std::shared_ptr<const Snapshot> base = compile({}).snapshot;
    ASSERT_TRUE(base);
    raw.push_back(base.get());
    ++live;
    pending.emplace_back(base.get(), [base, &live, &freed, i](const Snapshot*) mutable {
      base.reset();
      freed[i] = true;
      --live;
    });
  }
  SnapshotPublisher publisher(std::move(pending[0]), 1);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> reads{0};
  std::atomic<int> freed_while_held{0};
  std::atomic<int> went_back{0};
  SnapshotReader reader = publisher.reader(0);
  std::thread worker([&] {
    reader.online();
    int newest = 0;
    while (!stop) {
      const Snapshot& snap = reader.current();
      const int index = static_cast<int>(std::find(raw.begin(), raw.end(), &snap) - raw.begin());
      if (index < newest) ++went_back;
      newest = std::max(newest, index);
      std::this_thread::yield();  // hold it a while, as a burst does
      if (index == kSnapshots || freed[index]) ++freed_while_held;
      ++reads;
      reader.quiescent();
    }
    reader.offline();
  });
  while (reads.load() == 0) std::this_thread::yield();  // the worker is online
  for (int i = 1; i < kSnapshots; ++i) publisher.publish(std::move(pending[i]));
  const std::uint64_t after_swaps = reads.load();
  while (reads.load() == after_swaps) std::this_thread::yield();  // and still reading
  stop = true;
  worker.join();
  EXPECT_EQ(freed_while_held.load(), 0) << "a snapshot was freed (or unknown) while the reader held it";
  EXPECT_EQ(went_back.load(), 0) << "the reader saw an older snapshot after a newer one";
  EXPECT_EQ(publisher.generation(), 201u);
  EXPECT_EQ(live.load(), 1) << "every replaced snapshot was freed";
  for (int i = 0; i + 1 < kSnapshots; ++i) EXPECT_TRUE(freed[i]) << i;
  EXPECT_FALSE(freed[kSnapshots - 1]) << "the current one is alive";
  publisher.unregister(reader);
}

}  // namespace
}  // namespace canon::zones
