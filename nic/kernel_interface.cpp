#include "nic/kernel_interface.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "nic/fd.hpp"

namespace canon::nic {

namespace {

// linux/ipv6.h's in6_ifreq (that header clashes with netinet/in.h).
struct In6Ifreq {
  in6_addr address;
  std::uint32_t prefix_length;
  int ifindex;
};

[[noreturn]] void fail(const std::string& iface, const std::string& what) {
  throw std::runtime_error("exception path interface " + iface + ": " + what + ": " + std::strerror(errno));
}

void add_ipv4(const std::string& iface, const InterfaceAddress& a) {
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq request{};
  std::strncpy(request.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  auto* address = reinterpret_cast<sockaddr_in*>(&request.ifr_addr);
  address->sin_family = AF_INET;
  std::memcpy(&address->sin_addr, a.bytes.data(), 4);
  if (::ioctl(fd.get(), SIOCSIFADDR, &request) != 0) fail(iface, "adding " + a.text);
  const std::uint32_t mask = a.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - a.prefix);
  address->sin_addr.s_addr = htonl(mask);
  if (::ioctl(fd.get(), SIOCSIFNETMASK, &request) != 0) fail(iface, "setting the prefix of " + a.text);
}

void add_ipv6(const std::string& iface, const InterfaceAddress& a) {
  // No duplicate address detection: the address is ours by configuration,
  // and a tentative address would keep TCP off it for a second or two.
  std::ofstream("/proc/sys/net/ipv6/conf/" + iface + "/accept_dad") << "0\n";
  Fd fd(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  In6Ifreq request{};
  std::memcpy(&request.address, a.bytes.data(), 16);
  request.prefix_length = a.prefix;
  request.ifindex = static_cast<int>(::if_nametoindex(iface.c_str()));
  if (request.ifindex == 0) fail(iface, "looking it up");
  if (::ioctl(fd.get(), SIOCSIFADDR, &request) != 0 && errno != EEXIST) fail(iface, "adding " + a.text);
}

}  // namespace

void configure_kernel_interface(const std::string& iface, std::span<const InterfaceAddress> addresses) {
  Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq request{};
  std::strncpy(request.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd.get(), SIOCGIFFLAGS, &request) != 0) fail(iface, "reading its flags");
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
  if (::ioctl(fd.get(), SIOCSIFFLAGS, &request) != 0) fail(iface, "bringing it up");
  for (const InterfaceAddress& a : addresses) {
    if (a.ipv6) {
      add_ipv6(iface, a);
    } else {
      add_ipv4(iface, a);
    }
  }
}

}  // namespace canon::nic
