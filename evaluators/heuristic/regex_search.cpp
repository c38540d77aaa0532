#include "evaluators/heuristic/regex_search.hpp"

#include <pthread.h>

namespace evalgate {

namespace {

// Below this size the recursion fits comfortably in any worker's default stack (measured: about
// 1.2 KB of stack per input byte for nested alternations).
constexpr std::size_t k_inline_bytes = 256;
constexpr std::size_t k_stack_per_byte = 4096;
constexpr std::size_t k_stack_base = 32u * 1024 * 1024;

struct SearchJob {
  const std::string* text = nullptr;
  const std::regex* re = nullptr;
  bool found = false;
  std::string error;
};

Result<bool> search_here(const std::string& text, const std::regex& re)
{
  try {
    return std::regex_search(text, re);
  } catch (const std::exception& e) {
    return fail(ErrorCategory::data, std::string("regex search failed: ") + e.what());
  }
}

void* run_job(void* arg)
{
  auto* job = static_cast<SearchJob*>(arg);
  auto found = search_here(*job->text, *job->re);
  if (found) {
    job->found = *found;
  } else {
    job->error = found.error().message;
  }
  return nullptr;
}

} // namespace

Result<bool> safe_regex_search(const std::string& text, const std::regex& re)
{
  if (text.size() <= k_inline_bytes) {
    return search_here(text, re);
  }
  if (text.size() > k_regex_max_output_bytes) {
    return fail(ErrorCategory::data, "output too long for regex search (" + std::to_string(text.size()) +
                                       " bytes > " + std::to_string(k_regex_max_output_bytes) + ")");
  }
  // The stack is reserved address space; only the pages the recursion touches are committed.
  const std::size_t stack = k_stack_base + text.size() * k_stack_per_byte;
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) {
    return fail(ErrorCategory::internal, "regex search: could not set up a thread");
  }
  SearchJob job;
  job.text = &text;
  job.re = &re;
  pthread_t thread;
  int rc = pthread_attr_setstacksize(&attr, stack);
  if (rc == 0) {
    rc = pthread_create(&thread, &attr, run_job, &job);
  }
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    return fail(ErrorCategory::internal, "regex search: could not start a thread with a " +
                                           std::to_string(stack / (1024 * 1024)) + " MB stack");
  }
  pthread_join(thread, nullptr);
  if (!job.error.empty()) {
    return fail(ErrorCategory::data, job.error);
  }
  return job.found;
}

} // namespace evalgate
