// DPDK's Environment Abstraction Layer, set up from canond's options.
//
// The operator's `--eal` string is passed through; canond adds only what it
// leaves out:
//   no -l / -c / --lcores:  --lcores 0@MAIN,1@CPU1,...  (main lcore: a CPU no
//                           worker uses; worker lcore i+1 on --cpus[i])
//   no memory option:       --in-memory when hugepages are reserved, else
//                           --no-huge -m 512 --no-shconf (PLATFORM-NOTES.md)
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace canon::nic {

// The argv canond gives rte_eal_init (argv[0] included).
[[nodiscard]] std::vector<std::string> eal_arguments(std::string_view operator_args, unsigned workers,
                                                     std::span<const int> worker_cpus, bool hugepages_reserved);

// rte_eal_init; throws std::runtime_error with DPDK's error text. Once per process.
void init_eal(const std::vector<std::string>& arguments);

// Worker lcores in order (every lcore but the main one).
[[nodiscard]] std::vector<unsigned> worker_lcores();

// Whether /proc/sys/vm/nr_hugepages is above 0 (and free pages exist).
[[nodiscard]] bool hugepages_reserved();

// Joins the text of rte_eal_init's arguments for the log.
[[nodiscard]] std::string join_arguments(const std::vector<std::string>& arguments);

}  // namespace canon::nic
