#include "mock/http_message.hpp"

#include <cstdint>
#include <limits>

namespace evalgate::mock {

namespace {

bool is_token_char(char c)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  switch (c) {
  case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
  case '.': case '^': case '_': case '`': case '|': case '~':
    return true;
  default:
    return false;
  }
}

bool is_token(std::string_view text)
{
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!is_token_char(c)) {
      return false;
    }
  }
  return true;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view text)
{
  std::string out(text);
  for (char& c : out) {
    c = lower(c);
  }
  return out;
}

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool has_control_chars(std::string_view text)
{
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return true;
    }
  }
  return false;
}

// Digits only; values beyond 18 digits saturate to SIZE_MAX so they read as "too large".
bool parse_length(std::string_view text, std::size_t& out)
{
  if (text.empty()) {
    return false;
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') {
      return false;
    }
    if (i >= 18) {
      value = std::numeric_limits<std::uint64_t>::max();
      continue;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = value > std::numeric_limits<std::size_t>::max() ? std::numeric_limits<std::size_t>::max()
                                                        : static_cast<std::size_t>(value);
  return true;
}

bool has_connection_token(std::string_view value, std::string_view token)
{
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view item = trim(value.substr(0, comma));
    if (to_lower(item) == token) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    value.remove_prefix(comma + 1);
  }
  return false;
}

HeadParse bad(std::string error) { return HeadParse{HeadStatus::bad, 0, std::move(error)}; }

// Reduces the target to the path used for routing.
std::string path_of(std::string_view target)
{
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    const std::size_t scheme_end = target.find("//") + 2;
    const std::size_t slash = target.find('/', scheme_end);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const std::size_t query = target.find_first_of("?#");
  return std::string(target.substr(0, query));
}

HeadParse parse_request_line(std::string_view line, HttpRequest& request)
{
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return bad("request line must be 'METHOD TARGET HTTP/1.x'");
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (!is_token(method)) {
    return bad("invalid method");
  }
  if (target.empty() || has_control_chars(target)) {
    return bad("invalid request target");
  }
  if (version == "HTTP/1.1") {
    request.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request.minor_version = 0;
  } else {
    return bad("unsupported HTTP version (expected HTTP/1.0 or HTTP/1.1)");
  }
  request.method = std::string(method);
  request.target = std::string(target);
  request.path = path_of(target);
  if (request.path.empty() || request.path.front() != '/') {
    return bad("request target must be a path");
  }
  return HeadParse{HeadStatus::complete, 0, {}};
}

HeadParse parse_header_line(std::string_view line, HttpRequest& request)
{
  if (line.front() == ' ' || line.front() == '\t') {
    return bad("folded header lines are not supported");
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    return bad("malformed header line");
  }
  const std::string_view value = trim(line.substr(colon + 1));
  if (has_control_chars(value)) {
    return bad("control character in header value");
  }
  std::string name = to_lower(line.substr(0, colon));
  if (name == "content-length") {
    std::size_t length = 0;
    if (!parse_length(value, length)) {
      return bad("invalid Content-Length");
    }
    if (request.has_length && request.content_length != length) {
      return bad("conflicting Content-Length headers");
    }
    request.has_length = true;
    request.content_length = length;
  } else if (name == "transfer-encoding") {
    request.has_transfer_encoding = true;
  } else if (name == "expect") {
    request.expect_continue = to_lower(value) == "100-continue";
  } else if (name == "connection") {
    if (has_connection_token(value, "close")) {
      request.keep_alive = false;
    } else if (has_connection_token(value, "keep-alive")) {
      request.keep_alive = true;
    }
  }
  request.headers.emplace_back(std::move(name), std::string(value));
  return HeadParse{HeadStatus::complete, 0, {}};
}

} // namespace

const std::string* HttpRequest::header(std::string_view lower_name) const
{
  for (const auto& [name, value] : headers) {
    if (name == lower_name) {
      return &value;
    }
  }
  return nullptr;
}

HeadParse parse_request_head(std::string_view buffer, HttpRequest& request)
{
  // Stray line ends between keep-alive requests are allowed (RFC 9112 section 2.2).
  std::size_t start = 0;
  while (start < buffer.size() && (buffer[start] == '\r' || buffer[start] == '\n')) {
    ++start;
  }
  std::size_t end = std::string_view::npos; // index just past the blank line
  for (std::size_t i = buffer.find('\n', start); i != std::string_view::npos;
       i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') {
      end = i + 2;
      break;
    }
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') {
      end = i + 3;
      break;
    }
  }
  if (end == std::string_view::npos) {
    if (buffer.size() > k_max_head_bytes) {
      return bad("request head larger than 64 KiB");
    }
    return HeadParse{};
  }
  if (end > k_max_head_bytes + start) {
    return bad("request head larger than 64 KiB");
  }

  request = HttpRequest{};
  std::string_view head = buffer.substr(start, end - start);
  bool first = true;
  while (!head.empty()) {
    const std::size_t newline = head.find('\n');
    std::string_view line = head.substr(0, newline);
    head.remove_prefix(newline == std::string_view::npos ? head.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      break; // the blank line that ends the head
    }
    const HeadParse step = first ? parse_request_line(line, request) : parse_header_line(line, request);
    if (step.status == HeadStatus::bad) {
      return step;
    }
    first = false;
  }
  if (first) {
    return bad("empty request");
  }
  if (request.minor_version == 0) {
    // HTTP/1.0 closes unless the client asked to keep the connection.
    const std::string* connection = request.header("connection");
    request.keep_alive = connection != nullptr && has_connection_token(*connection, "keep-alive");
  }
  return HeadParse{HeadStatus::complete, end, {}};
}

const char* reason_phrase(int status)
{
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 411: return "Length Required";
  case 413: return "Content Too Large";
  case 429: return "Too Many Requests";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  case 529: return "Site Overloaded";
  default: return "Unknown";
  }
}

std::string serialize_response(const HttpResponse& response, bool keep_alive)
{
  std::string out;
  out.reserve(response.body.size() + 256);
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  out += keep_alive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  out += response.body;
  return out;
}

} // namespace evalgate::mock
