// CPU lists as operators write them ("1", "0,2-3") and thread pinning.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace canon::nic {

// nullopt with `error` set when `text` is not a CPU list.
[[nodiscard]] std::optional<std::vector<int>> parse_cpu_list(std::string_view text, std::string& error);

// Pins `thread` to `cpu`; returns an error sentence, empty on success.
[[nodiscard]] std::string pin_thread(std::thread& thread, int cpu);

}  // namespace canon::nic
