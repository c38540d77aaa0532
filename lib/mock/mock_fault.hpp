#pragma once
// mock/mock_fault: naming and drawing of injected faults. FaultPicker draws, per request, from
// one seeded std::mt19937_64 under a mutex: each configured fault in order gets one uniform draw
// in [0,1) and the first whose draw falls under its probability is the request's fault (at most
// one). With a fixed seed and a fixed request order the sequence is reproducible.
// Thread-safe. Internal to lib/mock. May use: core.

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "mock/mock_server.hpp"

namespace evalgate::mock {

// "401", "429", "500", "503", "529", "timeout", "malformed", "reset", "stream_cut",
// "slow_stream", "429_bare": the spelling of --fault
// and of the /stats "faults" keys.
const char* fault_name(MockFault fault);

class FaultPicker {
public:
  FaultPicker(std::vector<MockFaultRate> rates, std::uint64_t seed);

  std::optional<MockFault> draw();

private:
  std::vector<MockFaultRate> m_rates;
  std::mutex m_mutex;
  std::mt19937_64 m_rng;
};

} // namespace evalgate::mock
