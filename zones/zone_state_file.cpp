#include "zones/zone_state_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "zones/name.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail("cannot open", path);
  const int status = ::fsync(fd);
  ::close(fd);
  if (status != 0) fail("cannot fsync", path);
}

}  // namespace

std::string state_file_path(std::string_view state_dir, std::string_view folder, std::string_view origin,
                            std::string_view suffix) {
  std::string name;
  for (char c : origin) {
    const auto u = static_cast<unsigned char>(to_lower(static_cast<std::uint8_t>(c)));
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '.' || u == '-' || u == '_') {
      name.push_back(static_cast<char>(u));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", u);
      name += hex;
    }
  }
  if (name.empty() || name.back() != '.') name.push_back('.');
  return std::string(state_dir) + "/" + std::string(folder) + "/" + name + std::string(suffix);
}

std::string zone_state_path(std::string_view state_dir, std::string_view origin) {
  return state_file_path(state_dir, "zones", origin, "zone");
}

void replace_state_file(const std::string& path, const std::function<bool(std::FILE*)>& write) {
  const std::filesystem::path target(path);
  std::error_code error;
  std::filesystem::create_directories(target.parent_path(), error);
  if (error) throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + error.message());
  const std::string temporary = path + ".tmp";
  std::FILE* out = std::fopen(temporary.c_str(), "we");
  if (!out) fail("cannot write", temporary);
  std::vector<char> buffer(1 << 16);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  const bool written = write(out) && std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
  const int saved = errno;
  std::fclose(out);
  if (!written) {
    ::unlink(temporary.c_str());
    errno = saved;
    fail("cannot write", temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("cannot rename " + temporary + " to", path);
  fsync_path(target.parent_path().string(), O_RDONLY | O_DIRECTORY);
}

void write_zone_state(const LoadedZone& zone, const std::string& path, std::string_view comment) {
  replace_state_file(path, [&](std::FILE* out) {
    std::fprintf(out, "; %.*s\n", static_cast<int>(comment.size()), comment.data());
    const RecordStore& store = zone.store;
    static const char kHex[] = "0123456789abcdef";
    std::string line;
    for (const Record& record : store.records) {
      line = key_to_text(store.key(record));
      line += ' ';
      line += std::to_string(record.ttl);
      line += " IN ";
      line += type_name(record.type);
      line += " \\# ";
      line += std::to_string(record.rdata_length);
      if (record.rdata_length) line += ' ';
      for (std::uint8_t byte : store.rdata(record)) {
        line += kHex[byte >> 4];
        line += kHex[byte & 15];
      }
      line += '\n';
      if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) return false;
    }
    return true;
  });
}

}  // namespace canon::zones
