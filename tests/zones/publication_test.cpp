// Snapshot publication (zones/publication.hpp): a publish returns only when no
// online reader can still hold the old snapshot, and only then frees it; an
// offline reader (a worker asleep in the kernel) never delays it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

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
  // snapshot it reads is alive while it reads it.
  std::atomic<int> live{0};
  auto make = [&] {
    std::shared_ptr<const Snapshot> base = compile({}).snapshot;
    ++live;
    return std::shared_ptr<const Snapshot>(base.get(), [base, &live](const Snapshot*) mutable {
      base.reset();
      --live;
    });
  };
  SnapshotPublisher publisher(make(), 1);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> reads{0};
  SnapshotReader reader = publisher.reader(0);
  std::thread worker([&] {
    reader.online();
    while (!stop) {
      const Snapshot& snap = reader.current();
      EXPECT_GE(snap.zone_infos().size(), 0u);
      EXPECT_GE(live.load(), 1);
      ++reads;
      reader.quiescent();
    }
    reader.offline();
  });
  while (reads.load() == 0) std::this_thread::yield();  // the worker is online
  for (int i = 0; i < 200; ++i) publisher.publish(make());
  const std::uint64_t after_swaps = reads.load();
  while (reads.load() == after_swaps) std::this_thread::yield();  // and still reading
  stop = true;
  worker.join();
  EXPECT_EQ(publisher.generation(), 201u);
  EXPECT_EQ(live.load(), 1) << "every replaced snapshot was freed";
  EXPECT_GT(reads.load(), 0u);
  publisher.unregister(reader);
}

}  // namespace
}  // namespace canon::zones
