// The kernel side of the exception path: the TAP interface canond created
// is brought up and given the served addresses (with their prefixes), so the
// host stack answers what canond passes it (TCP/53 to canond's own TCP
// listener, SSH, BGP, ...) and routes its replies back through the TAP.
#pragma once

#include <span>
#include <string>

#include "nic/local_addresses.hpp"

namespace canon::nic {

// Throws std::runtime_error naming the interface, the address and errno's text.
void configure_kernel_interface(const std::string& iface, std::span<const InterfaceAddress> addresses);

}  // namespace canon::nic
