#include "mock/mock_fault.hpp"

#include <cstdlib>
#include <utility>

namespace evalgate {

namespace {

constexpr MockFault k_all_faults[] = {MockFault::http_401, MockFault::http_429, MockFault::http_500,
                                      MockFault::http_503, MockFault::http_529, MockFault::timeout,
                                      MockFault::malformed, MockFault::reset, MockFault::stream_cut,
                                      MockFault::slow_stream, MockFault::http_429_bare};

} // namespace

Result<MockFaultRate> parse_mock_fault(const std::string& text)
{
  auto usage_error = [&text]() {
    return fail(ErrorCategory::usage,
                "invalid --fault '" + text +
                  "': expected KIND:PROBABILITY with KIND one of 401, 429, 500, 503, 529, timeout, "
                  "malformed, reset, stream_cut, slow_stream, 429_bare and PROBABILITY in [0,1]");
  };
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    return usage_error();
  }
  const std::string kind = text.substr(0, colon);
  const std::string number = text.substr(colon + 1);
  std::optional<MockFault> fault;
  for (const MockFault candidate : k_all_faults) {
    if (kind == mock::fault_name(candidate)) {
      fault = candidate;
    }
  }
  // strtod alone would accept "nan", "inf", hex and leading blanks; a probability is plain decimal.
  if (!fault || number.empty() || number.find_first_not_of("0123456789.eE+-") != std::string::npos) {
    return usage_error();
  }
  char* end = nullptr;
  const double probability = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !(probability >= 0.0 && probability <= 1.0)) {
    return usage_error();
  }
  return MockFaultRate{*fault, probability};
}

namespace mock {

const char* fault_name(MockFault fault)
{
  switch (fault) {
  case MockFault::http_401: return "401";
  case MockFault::http_429: return "429";
  case MockFault::http_500: return "500";
  case MockFault::http_503: return "503";
  case MockFault::http_529: return "529";
  case MockFault::timeout: return "timeout";
  case MockFault::malformed: return "malformed";
  case MockFault::reset: return "reset";
  case MockFault::stream_cut: return "stream_cut";
  case MockFault::slow_stream: return "slow_stream";
  case MockFault::http_429_bare: return "429_bare";
  }
  return "unknown";
}

FaultPicker::FaultPicker(std::vector<MockFaultRate> rates, std::uint64_t seed)
  : m_rates(std::move(rates)), m_rng(seed)
{
}

std::optional<MockFault> FaultPicker::draw()
{
  if (m_rates.empty()) {
    return std::nullopt;
  }
  std::lock_guard lock(m_mutex);
  for (const MockFaultRate& rate : m_rates) {
    // 53 random bits → [0,1) exactly as on every platform (uniform_real_distribution is not
    // specified bit-for-bit across standard libraries).
    const double draw = static_cast<double>(m_rng() >> 11) * 0x1.0p-53;
    if (draw < rate.probability) {
      return rate.fault;
    }
  }
  return std::nullopt;
}

} // namespace mock
} // namespace evalgate
