#include "zones/rr_type.hpp"

#include <array>
#include <utility>

namespace canon::zones {

std::string type_name(std::uint16_t type) {
  static constexpr std::array<std::pair<std::uint16_t, const char*>, 38> kNames{{
      {1, "A"},        {2, "NS"},         {5, "CNAME"},     {6, "SOA"},      {12, "PTR"},
      {13, "HINFO"},   {15, "MX"},        {16, "TXT"},      {17, "RP"},      {18, "AFSDB"},
      {24, "SIG"},     {25, "KEY"},       {28, "AAAA"},     {29, "LOC"},     {33, "SRV"},
      {35, "NAPTR"},   {36, "KX"},        {37, "CERT"},     {39, "DNAME"},   {41, "OPT"},
      {42, "APL"},     {43, "DS"},        {44, "SSHFP"},    {45, "IPSECKEY"}, {46, "RRSIG"},
      {47, "NSEC"},    {48, "DNSKEY"},    {49, "DHCID"},    {50, "NSEC3"},   {51, "NSEC3PARAM"},
      {52, "TLSA"},    {53, "SMIMEA"},    {59, "CDS"},      {60, "CDNSKEY"}, {61, "OPENPGPKEY"},
      {64, "SVCB"},    {65, "HTTPS"},     {257, "CAA"},
  }};
  for (const auto& [number, name] : kNames) {
    if (number == type) return name;
  }
  return "TYPE" + std::to_string(type);
}

}  // namespace canon::zones
