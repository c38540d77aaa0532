#pragma once
// providers/http: the request and response values that cross the Transport seam. Plain data.

#include <string>
#include <utility>
#include <vector>

namespace evalgate {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers; // name, value
  std::string body;
  long timeout_ms = 60000; // whole transfer, connect included
};

struct HttpResponse {
  long status = 0;   // 0 when no HTTP response arrived (transport error)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
  std::string transport_error; // non-empty when the transfer itself failed
  bool timed_out = false;
  double elapsed_ms = 0;       // from the moment the transfer started (not queue time)

  // First header with this (lower-case) name, or nullptr.
  const std::string* header(const std::string& lower_name) const
  {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) {
        return &value;
      }
    }
    return nullptr;
  }
};

} // namespace evalgate
