// The TOML config file (toml++): keys are canond's long option names.
#include <toml++/toml.h>

#include <stdexcept>
#include <string>

#include "tools/canond/options.hpp"

namespace canon::daemon {

namespace {

class FileReader {
 public:
  FileReader(const std::string& path, DaemonOptions& options) : path_(path), o_(options) {}

  void read() {
    toml::table table;
    try {
      table = toml::parse_file(path_);
    } catch (const toml::parse_error& e) {
      throw std::runtime_error("config " + path_ + ":" + std::to_string(e.source().begin.line) + ": " +
                               std::string(e.description()));
    }
    for (auto&& [key, node] : table) apply(std::string(key.str()), node);
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw std::runtime_error("config " + path_ + ":" + std::to_string(node.source().begin.line) + ": " + what);
  }

  std::string text(const std::string& key, const toml::node& node) const {
    if (auto v = node.value<std::string>()) return *v;
    fail(node, "'" + key + "' must be a string");
  }
  unsigned number(const std::string& key, const toml::node& node) const {
    if (auto v = node.value<std::int64_t>(); v && *v >= 0 && *v <= 1'000'000'000) {
      return static_cast<unsigned>(*v);
    }
    fail(node, "'" + key + "' must be a non-negative integer");
  }
  // A limit: 1..ceiling.
  unsigned limit(const std::string& key, const toml::node& node, std::int64_t ceiling) const {
    if (auto v = node.value<std::int64_t>(); v && *v >= 1 && *v <= ceiling) {
      return static_cast<unsigned>(*v);
    }
    fail(node, "'" + key + "' must be an integer from 1 to " + std::to_string(ceiling));
  }
  bool boolean(const std::string& key, const toml::node& node) const {
    if (auto v = node.value<bool>()) return *v;
    fail(node, "'" + key + "' must be true or false");
  }
  // A list of strings; a single string is a list of one.
  std::vector<std::string> strings(const std::string& key, const toml::node& node) const {
    if (auto v = node.value<std::string>()) return {*v};
    const toml::array* array = node.as_array();
    if (!array) fail(node, "'" + key + "' must be a list of strings");
    std::vector<std::string> out;
    for (const toml::node& item : *array) out.push_back(text(key, item));
    return out;
  }
  // cpus = "1-2" or cpus = [1, 2]
  std::string cpus(const toml::node& node) const {
    if (auto v = node.value<std::string>()) return *v;
    const toml::array* array = node.as_array();
    if (!array) fail(node, "'cpus' must be a string like \"1-2\" or a list of CPU numbers");
    std::string out;
    for (const toml::node& item : *array) {
      if (!out.empty()) out += ',';
      out += std::to_string(number("cpus", item));
    }
    return out;
  }

  std::string where(const toml::node& node) const {
    return path_ + ":" + std::to_string(node.source().begin.line);
  }
  // [[key]] and [[secondary]]: an array of tables.
  template <typename Each>
  void for_each_table(const std::string& key, const toml::node& node, Each each) const {
    const toml::array* array = node.as_array();
    if (!array) fail(node, "'" + key + "' must be written [[" + key + "]], a table per entry");
    for (const toml::node& item : *array) {
      const toml::table* table = item.as_table();
      if (!table) fail(item, "each '" + key + "' entry must be a table ([[" + key + "]])");
      each(*table);
    }
  }
  KeyOptions key_table(const toml::table& table) const {
    KeyOptions k;
    k.where = where(table);
    for (auto&& [name, node] : table) {
      const std::string key(name.str());
      if (key == "name") k.name = text(key, node);
      else if (key == "algorithm") k.algorithm = text(key, node);
      else if (key == "secret") k.secret = text(key, node);
      else if (key == "secret-file") k.secret_file = text(key, node);
      else fail(node, "unknown key '" + key + "' in [[key]] (name, algorithm, secret, secret-file)");
    }
    if (k.name.empty()) fail(table, "[[key]] needs a name");
    if (k.secret.empty() == k.secret_file.empty()) fail(table, "[[key]] " + k.name + " needs one of secret and secret-file");
    return k;
  }
  SecondaryOptions secondary_table(const toml::table& table) const {
    SecondaryOptions z;
    z.where = where(table);
    for (auto&& [name, node] : table) {
      const std::string key(name.str());
      if (key == "zone") z.zone = text(key, node);
      else if (key == "primaries") z.primaries = strings(key, node);
      else if (key == "key") z.key = text(key, node);
      else if (key == "notify-from") z.notify_from = strings(key, node);
      else if (key == "allow-transfer") z.allow_transfer = strings(key, node);
      else if (key == "notify") z.notify = strings(key, node);
      else fail(node, "unknown key '" + key + "' in [[secondary]] (zone, primaries, key, notify-from, allow-transfer, notify)");
    }
    if (z.zone.empty()) fail(table, "[[secondary]] needs a zone");
    if (z.primaries.empty()) fail(table, "[[secondary]] " + z.zone + " needs at least one primary (ADDR:PORT)");
    return z;
  }

  // dnstap = { file = "..." | socket = "...", sample = N, messages = [...] }
  DnstapOptions dnstap_table(const toml::node& node) const {
    const toml::table* table = node.as_table();
    if (!table) fail(node, "'dnstap' must be a table: dnstap = { file = \"/var/log/canon/dnstap.fstrm\" }");
    DnstapOptions d;
    d.where = where(node);
    for (auto&& [name, item] : *table) {
      const std::string key(name.str());
      if (key == "file" || key == "socket") {
        std::string path = text(key, item);
        if (path.empty()) fail(item, "dnstap " + key + " must not be empty");
        if (path.front() != '/') fail(item, "dnstap " + key + " '" + path + "' must be an absolute path");
        // sockaddr_un::sun_path holds 108 octets with the terminating NUL.
        if (key == "socket" && path.size() > 107) fail(item, "dnstap socket path is longer than 107 characters");
        (key == "file" ? d.file : d.socket) = std::move(path);
      } else if (key == "sample") {
        d.sample = limit("sample", item, 1'000'000'000);
      } else if (key == "messages") {
        d.messages = strings(key, item);
        if (d.messages.empty()) fail(item, "dnstap messages must name auth-query, auth-response or both");
        const toml::array* array = item.as_array();
        for (std::size_t i = 0; i < d.messages.size(); ++i) {
          if (d.messages[i] != "auth-query" && d.messages[i] != "auth-response") {
            fail(array ? *array->get(i) : item, "dnstap message type '" + d.messages[i] +
                                                     "' is not one canond writes (auth-query, auth-response)");
          }
        }
      } else {
        fail(item, "unknown key '" + key + "' in dnstap (file, socket, sample, messages)");
      }
    }
    if (d.file.empty() == d.socket.empty()) {
      fail(node, "dnstap needs one of file = \"PATH\" and socket = \"PATH\", not " +
                     std::string(d.file.empty() ? "neither" : "both"));
    }
    return d;
  }

  void apply(const std::string& key, const toml::node& node) {
    if (key == "zone") o_.zones = strings(key, node);
    else if (key == "listen") o_.listen = strings(key, node);
    else if (key == "address") o_.addresses = strings(key, node);
    else if (key == "workers") o_.workers = number(key, node);
    else if (key == "cpus") o_.cpus = cpus(node);
    else if (key == "backend") o_.backend = text(key, node);
    else if (key == "admin-socket") o_.admin_socket = text(key, node);
    else if (key == "policy") o_.policy = text(key, node);
    else if (key == "metrics") o_.metrics = text(key, node);
    else if (key == "eal") o_.eal = text(key, node);
    else if (key == "log-level") o_.log_level = text(key, node);
    else if (key == "dns-port") o_.dns_port = number(key, node);
    else if (key == "exception-iface") o_.exception_interface = text(key, node);
    else if (key == "log-target") o_.log_target = text(key, node);
    else if (key == "user") o_.user = text(key, node);
    else if (key == "group") o_.group = text(key, node);
    else if (key == "nsid") o_.engine.nsid = text(key, node);
    else if (key == "identity") o_.engine.identity = text(key, node);
    else if (key == "version") o_.engine.version = text(key, node);
    else if (key == "chaos") o_.engine.chaos = boolean(key, node);
    else if (key == "max-udp-payload") o_.engine.max_udp_payload = static_cast<std::uint16_t>(number(key, node));
    else if (key == "tcp-idle-timeout") o_.tcp_idle_timeout_seconds = number(key, node);
    else if (key == "tcp-max-connections") o_.tcp_max_connections = number(key, node);
    else if (key == "max-zone-records") o_.zone_limits.max_records = limit(key, node, 1'000'000'000);
    else if (key == "include-base") o_.include_base = text(key, node);
    else if (key == "state-dir") o_.state_dir = text(key, node);
    else if (key == "allow-transfer") o_.allow_transfer = strings(key, node);
    else if (key == "notify") o_.notify = strings(key, node);
    else if (key == "key") for_each_table(key, node, [&](const toml::table& t) { o_.keys.push_back(key_table(t)); });
    else if (key == "secondary") for_each_table(key, node, [&](const toml::table& t) { o_.secondaries.push_back(secondary_table(t)); });
    else if (key == "catalog") for_each_table(key, node, [&](const toml::table& t) { o_.catalogs.push_back(secondary_table(t)); });
    else if (key == "dnstap") o_.dnstap = dnstap_table(node);
    else if (key == "max-rrset-records") o_.zone_limits.max_rrset_records = limit(key, node, zones::kMaxRrsetRecordsCeiling);
    else if (key == "signature-warn-days") o_.zone_limits.signature_warn_days = number(key, node);
    else fail(node, "unknown key '" + key + "'");
  }

  const std::string& path_;
  DaemonOptions& o_;
};

}  // namespace

void apply_config_file(const std::string& path, DaemonOptions& options) {
  FileReader(path, options).read();
}

}  // namespace canon::daemon
