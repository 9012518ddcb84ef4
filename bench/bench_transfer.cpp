// An IXFR of 1,000 new names into a zone of N names (canon-genzone's, as
// bench-compile makes them), step by step as a secondary publishes it:
//
//   BM_ixfr_receive/N   the answer's messages read and the diffs applied to
//                       the served version: the next version, whole
//                       (TransferReader::feed until done, take)
//   BM_ixfr_compile/N   that version compiled into its unit (compile_loaded)
//   BM_axfr_receive/N   the whole zone by AXFR, read into a version
//
// with BM_replace_unit (bench-compile: the new zone table) the whole cost
// from the last message received to the table the workers read. The
// messages are written once, outside the loop, by the primary's side
// (diff_versions, write_ixfr). Wall time (UseRealTime), one CPU.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/rr_type.hpp"
#include "zones/transfer.hpp"
#include "zones/transfer_out.hpp"

namespace {

using canon::zones::LoadedZone;
constexpr std::uint16_t kId = 0x5150;
constexpr int kChanges = 1000;

struct Fixture {
  std::shared_ptr<const LoadedZone> served;
  std::uint32_t serial = 0;
  std::vector<std::vector<std::uint8_t>> messages;       // the IXFR answer
  std::vector<std::vector<std::uint8_t>> axfr_messages;  // the AXFR answer of the served version
  std::string error;
};

std::string bench_dir() {
  const char* dir = std::getenv("CANON_BENCH_ZONE_DIR");
  return dir && *dir ? dir : CANON_BENCH_ZONE_DIR;
}

// The served version (names from canon-genzone) and the IXFR answer that
// adds kChanges names and bumps the serial.
Fixture make_fixture(std::int64_t names) {
  Fixture f;
  const std::string base = bench_dir() + "/a-" + std::to_string(names) + ".zone";
  if (!std::filesystem::exists(base)) {
    const std::string command = std::string("'") + CANON_GENZONE + "' --origin example.com. --seed 1 --names " +
                                std::to_string(names) + " -o '" + base + ".tmp' && mv '" + base + ".tmp' '" +
                                base + "'";
    if (std::system(command.c_str()) != 0) return f.error = "could not generate the zone", f;
  }
  std::stringstream text;
  text << std::ifstream(base).rdbuf();
  std::string next_text = text.str();
  const std::size_t serial_at = next_text.find(" 2024010101 ");
  if (serial_at == std::string::npos) return f.error = "no serial 2024010101 in " + base, f;
  next_text.replace(serial_at, 12, " 2024010102 ");
  for (int i = 0; i < kChanges; ++i) {
    next_text += "ixfr-" + std::to_string(i) + " IN A 192.0.2." + std::to_string(i % 250 + 1) + "\n";
  }
  const std::string next_file = bench_dir() + "/ixfr-next-" + std::to_string(names) + ".zone";
  std::ofstream(next_file) << next_text;
  f.served = canon::zones::load_zone_file({"example.com.", base});
  const auto next = canon::zones::load_zone_file({"example.com.", next_file});
  std::filesystem::remove(next_file);
  if (f.served->failed || next->failed) return f.error = "a version did not load", f;
  const canon::zones::ZoneDiff diff = canon::zones::diff_versions(*f.served, *next);
  f.serial = diff.from;
  const canon::zones::ZoneDiff* diffs[] = {&diff};
  // The question: example.com. IXFR IN.
  const std::vector<std::uint8_t> question = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
                                              0, canon::zones::rr::IXFR, 0, 1};
  canon::zones::write_ixfr(*next, diffs, kId, question, [&](std::vector<std::uint8_t>& message) {
    f.messages.push_back(message);
    return true;
  });
  std::vector<std::uint8_t> axfr_question = question;
  axfr_question[14] = canon::zones::rr::AXFR;
  canon::zones::write_axfr(*f.served, kId, axfr_question, [&](std::vector<std::uint8_t>& message) {
    f.axfr_messages.push_back(message);
    return true;
  });
  return f;
}

const Fixture& fixture(std::int64_t names) {
  static std::int64_t made_for = -1;
  static Fixture made;
  if (made_for != names) {
    made = Fixture{};
    made = make_fixture(names);
    made_for = names;
  }
  return made;
}

canon::zones::TransferOutcome receive(const Fixture& f, std::uint16_t asked = canon::zones::rr::IXFR) {
  const bool ixfr = asked == canon::zones::rr::IXFR;
  canon::zones::TransferReader reader({"example.com.", "/state/example.com.zone"}, ixfr ? f.served : nullptr,
                                      ixfr ? f.serial : 0, asked, kId, {}, "transfer from the benchmark");
  for (const auto& message : ixfr ? f.messages : f.axfr_messages) {
    if (reader.feed(message) != canon::zones::TransferReader::Progress::kMore) break;
  }
  return reader.take();
}

void receive_loop(benchmark::State& state, std::uint16_t asked) {
  const Fixture& f = fixture(state.range(0));
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  for ([[maybe_unused]] const auto& _ : state) {
    canon::zones::TransferOutcome outcome = receive(f, asked);
    if (!outcome.zone) return state.SkipWithError(("refused: " + outcome.error).c_str());
    state.PauseTiming();  // freeing it is not the transfer's cost
    outcome.zone.reset();
    state.ResumeTiming();
  }
  state.counters["messages"] =
      static_cast<double>((asked == canon::zones::rr::IXFR ? f.messages : f.axfr_messages).size());
}

void BM_ixfr_receive(benchmark::State& state) { receive_loop(state, canon::zones::rr::IXFR); }
void BM_axfr_receive(benchmark::State& state) { receive_loop(state, canon::zones::rr::AXFR); }

void BM_ixfr_compile(benchmark::State& state) {
  const Fixture& f = fixture(state.range(0));
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  const std::shared_ptr<const LoadedZone> next = receive(f).zone;
  if (!next) return state.SkipWithError("the IXFR was refused");
  for ([[maybe_unused]] const auto& _ : state) {
    canon::zones::CompileResult result = canon::zones::compile_loaded({&next, 1}, {});
    if (!result.snapshot) return state.SkipWithError("the new version was refused");
    state.PauseTiming();
    result.snapshot.reset();
    state.ResumeTiming();
  }
}

BENCHMARK(BM_ixfr_receive)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ixfr_compile)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_axfr_receive)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
