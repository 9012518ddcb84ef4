#include "zones/rr_type.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace canon::zones {

static constexpr std::array<std::pair<std::uint16_t, const char*>, 44> kNames{{
      {1, "A"},        {2, "NS"},         {5, "CNAME"},     {6, "SOA"},      {12, "PTR"},
      {13, "HINFO"},   {15, "MX"},        {16, "TXT"},      {17, "RP"},      {18, "AFSDB"},
      {24, "SIG"},     {25, "KEY"},       {28, "AAAA"},     {29, "LOC"},     {33, "SRV"},
      {35, "NAPTR"},   {36, "KX"},        {37, "CERT"},     {39, "DNAME"},   {41, "OPT"},
      {42, "APL"},     {43, "DS"},        {44, "SSHFP"},    {45, "IPSECKEY"}, {46, "RRSIG"},
      {47, "NSEC"},    {48, "DNSKEY"},    {49, "DHCID"},    {50, "NSEC3"},   {51, "NSEC3PARAM"},
      {52, "TLSA"},    {53, "SMIMEA"},    {59, "CDS"},      {60, "CDNSKEY"}, {61, "OPENPGPKEY"},
      {63, "ZONEMD"},  {64, "SVCB"},      {65, "HTTPS"},    {99, "SPF"},     {251, "IXFR"},
      {252, "AXFR"},   {255, "ANY"},      {256, "URI"},     {257, "CAA"},
  }};

std::string type_name(std::uint16_t type) {
  for (const auto& [number, name] : kNames) {
    if (number == type) return name;
  }
  return "TYPE" + std::to_string(type);
}

std::uint16_t type_from_name(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "ANY") return rr::ANY;
  if (upper == "AXFR") return rr::AXFR;
  if (upper == "IXFR") return rr::IXFR;
  for (const auto& [number, known] : kNames) {
    if (upper == known) return number;
  }
  if (upper.size() > 4 && upper.rfind("TYPE", 0) == 0 &&
      upper.find_first_not_of("0123456789", 4) == std::string::npos && upper.size() <= 9) {
    const unsigned long value = std::stoul(upper.substr(4));
    if (value <= 0xffff) return static_cast<std::uint16_t>(value);
  }
  return 0;
}

}  // namespace canon::zones
