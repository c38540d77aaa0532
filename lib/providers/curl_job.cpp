#include "providers/curl_job.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace evalgate {

namespace {

// A reply larger than this is not an LLM answer; refusing it keeps memory bounded.
constexpr std::size_t k_max_body_bytes = 64u * 1024u * 1024u;

size_t on_body(char* data, size_t size, size_t count, void* user)
{
  auto& job = *static_cast<CurlJob*>(user);
  const size_t bytes = size * count;
  if (job.response.body.size() + bytes > k_max_body_bytes) {
    job.body_too_large = true;
    return 0; // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  job.response.body.append(data, bytes);
  job.last_byte = std::chrono::steady_clock::now();
  if (job.request.on_chunk) {
    long status = 0;
    curl_easy_getinfo(job.easy, CURLINFO_RESPONSE_CODE, &status);
    // Only a success body is a stream; an error body is classified whole when the transfer ends.
    if (status >= 200 && status < 300) {
      job.request.on_chunk(std::string_view(data, bytes));
    }
  }
  return bytes;
}

std::string_view trim(std::string_view text)
{
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

size_t on_header(char* data, size_t size, size_t count, void* user)
{
  auto& job = *static_cast<CurlJob*>(user);
  const size_t bytes = size * count;
  job.last_byte = std::chrono::steady_clock::now();
  const std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new status line starts a new header block (100 Continue, proxy CONNECT): keep the last one.
    job.response.headers.clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return bytes; // the blank line ending the block, or a malformed line we have no use for
  }
  std::string name(trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  job.response.headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  return bytes;
}

// libcurl calls this about once a second even when nothing arrives. Its own LOW_SPEED options
// average over a window of seconds, so a stream that stalls after a burst would look alive for a
// long while; the time since the last byte is exact.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
  auto& job = *static_cast<CurlJob*>(user);
  const auto idle = std::chrono::steady_clock::now() - job.last_byte;
  if (idle > std::chrono::milliseconds(job.request.idle_timeout_ms)) {
    job.stalled = true;
    return 1; // aborts the transfer with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

// Failures that the same request will hit again however long we wait.
bool is_permanent(CURLcode code)
{
  switch (code) {
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
  case CURLE_NOT_BUILT_IN:
  case CURLE_OUT_OF_MEMORY:
  case CURLE_BAD_FUNCTION_ARGUMENT:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_TOO_MANY_REDIRECTS:
  case CURLE_ABORTED_BY_CALLBACK:
  case CURLE_WRITE_ERROR:
    return true;
  default:
    return false;
  }
}

} // namespace

std::string configure_easy(CurlJob& job, long connect_timeout_ms, const std::string& ca_bundle)
{
  CURL* easy = job.easy;
  const HttpRequest& request = job.request;
  job.response = HttpResponse{};
  job.body_too_large = false;
  job.error_buffer[0] = '\0';

  for (const auto& [name, value] : request.headers) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* grown = curl_slist_append(job.header_list, line.c_str());
    if (grown == nullptr) {
      return "out of memory building request headers";
    }
    job.header_list = grown;
  }
  // An empty "Expect:" stops libcurl from waiting for "100 Continue" on larger POST bodies.
  if (curl_slist* grown = curl_slist_append(job.header_list, "Expect:"); grown != nullptr) {
    job.header_list = grown;
  } else {
    return "out of memory building request headers";
  }

  CURLcode rc = CURLE_OK;
  auto set = [&rc, easy](CURLoption option, auto value) {
    if (rc == CURLE_OK) {
      rc = curl_easy_setopt(easy, option, value);
    }
  };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_TIMEOUT_MS, std::max(0L, request.timeout_ms));
  set(CURLOPT_CONNECTTIMEOUT_MS, std::max(0L, connect_timeout_ms));
  set(CURLOPT_ACCEPT_ENCODING, "");
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  // Never follow redirects: custom key headers (x-api-key, api-key) would go to the new host.
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  // HTTP/2 over TLS where the server offers it (ALPN), HTTP/1.1 on cleartext; the multi handle
  // multiplexes streams to the same host over one connection.
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // Never CURLOPT_VERBOSE (it prints request headers, keys included) and no CURLOPT_PROXY: with it
  // unset libcurl honours http_proxy / https_proxy / ALL_PROXY / NO_PROXY from the environment.
  set(CURLOPT_VERBOSE, 0L);
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  job.stalled = false;
  job.last_byte = std::chrono::steady_clock::now();
  if (request.idle_timeout_ms > 0) {
    set(CURLOPT_NOPROGRESS, 0L);
    set(CURLOPT_XFERINFOFUNCTION, on_progress);
    set(CURLOPT_XFERINFODATA, static_cast<void*>(&job));
  }
  // PIPEWAIT lets a burst to an https host wait for ALPN and share one HTTP/2 connection. On
  // cleartext http (local servers: Ollama, vLLM) there is no HTTP/2 to wait for, and libcurl would
  // hold the whole burst until the first (possibly minute-long) response has arrived.
  if (request.url.starts_with("https://")) {
    set(CURLOPT_PIPEWAIT, 1L);
  }
  set(CURLOPT_HTTPHEADER, job.header_list);
  set(CURLOPT_ERRORBUFFER, job.error_buffer);
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&job));
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&job));
  set(CURLOPT_PRIVATE, static_cast<void*>(&job));
  if (!request.ca_bundle.empty()) {
    set(CURLOPT_CAINFO, request.ca_bundle.c_str());
  } else if (!ca_bundle.empty()) {
    set(CURLOPT_CAINFO, ca_bundle.c_str());
  }
  if (request.method == "POST") {
    set(CURLOPT_POST, 1L);
  } else if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else {
    set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.method != "GET" && (request.method == "POST" || !request.body.empty())) {
    // The body stays owned by the job until the transfer is removed, so no copy is needed.
    set(CURLOPT_POSTFIELDS, request.body.data());
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (rc != CURLE_OK) {
    return fmt::format("cannot configure the request: {}", curl_easy_strerror(rc));
  }
  return {};
}

void collect_response(CurlJob& job, CURLcode result)
{
  HttpResponse& response = job.response;
  long status = 0;
  curl_easy_getinfo(job.easy, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t total_us = 0;
  curl_easy_getinfo(job.easy, CURLINFO_TOTAL_TIME_T, &total_us);
  response.status = status;
  response.elapsed_ms = static_cast<double>(total_us) / 1000.0;
  if (result != CURLE_OK) {
    if (job.stalled) {
      response.transport_error =
          fmt::format("no data received for {} ms; the stream stalled", job.request.idle_timeout_ms);
      response.timed_out = true;
      release_headers(job);
      return;
    }
    if (job.body_too_large) {
      response.transport_error = "response body larger than 64 MiB; refused";
    } else if (job.error_buffer[0] != '\0') {
      response.transport_error = job.error_buffer;
    } else {
      response.transport_error = curl_easy_strerror(result);
    }
    response.timed_out = result == CURLE_OPERATION_TIMEDOUT;
    response.transport_permanent = is_permanent(result);
  }
  release_headers(job);
}

void release_headers(CurlJob& job)
{
  if (job.header_list != nullptr) {
    curl_slist_free_all(job.header_list);
    job.header_list = nullptr;
  }
}

} // namespace evalgate
