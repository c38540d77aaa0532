#include "core/types.hpp"

#include <array>
#include <utility>

namespace evalgate {

namespace {

constexpr std::array<std::pair<FailureKind, const char*>, 9> k_failure_names{{
  {FailureKind::none, "none"},
  {FailureKind::timeout, "timeout"},
  {FailureKind::rate_limited, "rate_limited"},
  {FailureKind::http_4xx, "http_4xx"},
  {FailureKind::http_5xx, "http_5xx"},
  {FailureKind::network, "network"},
  {FailureKind::parse, "parse"},
  {FailureKind::config, "config"},
  {FailureKind::process, "process"},
}};

constexpr std::array<std::pair<RunStatus, const char*>, 4> k_status_names{{
  {RunStatus::running, "running"},
  {RunStatus::completed, "completed"},
  {RunStatus::interrupted, "interrupted"},
  {RunStatus::failed, "failed"},
}};

} // namespace

const char* failure_kind_name(FailureKind kind)
{
  for (const auto& [k, name] : k_failure_names) {
    if (k == kind) {
      return name;
    }
  }
  return "none";
}

std::optional<FailureKind> failure_kind_from_name(const std::string& name)
{
  for (const auto& [k, n] : k_failure_names) {
    if (name == n) {
      return k;
    }
  }
  return std::nullopt;
}

const char* run_status_name(RunStatus status)
{
  for (const auto& [s, name] : k_status_names) {
    if (s == status) {
      return name;
    }
  }
  return "running";
}

std::optional<RunStatus> run_status_from_name(const std::string& name)
{
  for (const auto& [s, n] : k_status_names) {
    if (name == n) {
      return s;
    }
  }
  return std::nullopt;
}

} // namespace evalgate
