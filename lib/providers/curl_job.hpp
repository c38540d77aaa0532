#pragma once
// providers/curl_job: one transfer's state and the easy-handle setup for it (providers.md §4.5).
// Internal to curl_transport: a CurlJob is touched only by the I/O thread once submitted, and owns
// everything libcurl points into (body, header list, error buffer) until the transfer is removed.

#include <chrono>
#include <cstdint>
#include <string>

#include <curl/curl.h>

#include "providers/http.hpp"
#include "providers/transport.hpp"

namespace evalgate {

struct CurlJob {
  HttpRequest request;
  Transport::Callback on_done;
  std::chrono::steady_clock::time_point due; // when a delayed job may start
  std::uint64_t sequence = 0;                // FIFO order among equal due times
  std::uint64_t generation = 0;              // cancel_all() generation at submit time

  // In-flight state.
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  HttpResponse response;
  bool body_too_large = false;
  bool stalled = false;                            // idle_timeout_ms passed without a byte
  std::chrono::steady_clock::time_point last_byte; // transfer start, then each received byte
  char error_buffer[CURL_ERROR_SIZE] = {};
};

// Points `job.easy` (fresh or reset) at the job's request. Returns an empty string on success, else
// what went wrong (the job is then completed with that transport error).
std::string configure_easy(CurlJob& job, long connect_timeout_ms, const std::string& ca_bundle);

// Fills job.response from a finished transfer (call before curl_multi_remove_handle) and frees the
// header list.
void collect_response(CurlJob& job, CURLcode result);

// Frees the header list (idempotent).
void release_headers(CurlJob& job);

} // namespace evalgate
