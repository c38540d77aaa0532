#pragma once
// A Transport that answers from a script, synchronously, and records what it was asked: for the
// retrying client's logic without sockets or clocks.

#include <deque>
#include <vector>

#include "providers/transport.hpp"

namespace evalgate::testing {

class FakeTransport final : public Transport {
public:
  struct Submission {
    HttpRequest request;
    long delay_ms = 0;
  };

  void script(HttpResponse response) { m_script.push_back(std::move(response)); }

  void submit(HttpRequest request, Callback on_done, long delay_ms) override
  {
    m_submissions.push_back({std::move(request), delay_ms});
    HttpResponse response;
    if (m_script.empty()) {
      response.transport_error = "fake transport: nothing scripted";
      response.transport_permanent = true;
    } else {
      response = std::move(m_script.front());
      m_script.pop_front();
    }
    on_done(std::move(response));
  }

  void cancel_all() override {}

  const std::vector<Submission>& submissions() const { return m_submissions; }

private:
  std::deque<HttpResponse> m_script;
  std::vector<Submission> m_submissions;
};

inline HttpResponse respond(long status, std::string body,
                            std::vector<std::pair<std::string, std::string>> headers = {})
{
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

} // namespace evalgate::testing
