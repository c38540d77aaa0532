#include "mock/anthropic_routes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mock/embeddings.hpp"
#include "mock/route_util.hpp"

namespace evalgate::mock {

namespace {

const char* error_type(int status)
{
  switch (status) {
  case 401:
    return "authentication_error";
  case 403:
    return "permission_error";
  case 404:
    return "not_found_error";
  case 413:
    return "request_too_large";
  case 429:
    return "rate_limit_error";
  case 500:
    return "api_error";
  case 503:
    return "api_error";
  case 529:
    return "overloaded_error";
  default:
    return "invalid_request_error";
  }
}

bool has_cache_control(const Json& block)
{
  return block.is_object() && block.contains("cache_control");
}

// The prompt as a list of text blocks in order (system first), each flagged when it carries
// cache_control.
struct PromptBlock {
  std::string text;
  bool cache_breakpoint = false;
};

void add_blocks(const Json& content, std::vector<PromptBlock>& blocks)
{
  if (content.is_string()) {
    blocks.push_back({content.get<std::string>(), false});
    return;
  }
  if (!content.is_array()) {
    return;
  }
  for (const Json& block : content) {
    if (block.is_object() && string_field(block, "type") == "text") {
      blocks.push_back({string_field(block, "text"), has_cache_control(block)});
    } else if (has_cache_control(block)) {
      blocks.push_back({"", true});
    }
  }
}

struct Usage {
  std::int64_t input = 0;
  std::int64_t cache_creation = 0;
  std::int64_t cache_read = 0;
};

Usage prompt_usage(const std::vector<PromptBlock>& blocks, PromptCacheLedger& cache)
{
  std::int64_t total = 0;
  std::int64_t cached = 0;
  std::string prefix;
  std::string cached_prefix;
  for (const PromptBlock& block : blocks) {
    total += count_words(block.text);
    prefix += block.text;
    prefix += '\x1f'; // block boundary, so ["ab"] and ["a", "b"] are different prefixes
    if (block.cache_breakpoint) {
      cached = total;
      cached_prefix = prefix;
    }
  }
  Usage usage;
  usage.input = std::max<std::int64_t>(1, total - cached);
  if (cached > 0) {
    (cache.first_use(cached_prefix) ? usage.cache_creation : usage.cache_read) = cached;
  }
  return usage;
}

std::string sse(const char* event, const Json& data)
{
  return fmt::format("event: {}\ndata: {}\n\n", event,
                     data.dump(-1, ' ', false, Json::error_handler_t::replace));
}

HttpResponse stream(const Json& message, const std::string& reply, std::int64_t output_tokens, bool cut)
{
  HttpResponse response;
  response.content_type = "text/event-stream";
  Json start = message;
  start["content"] = Json::array();
  start["stop_reason"] = nullptr;
  start["usage"]["output_tokens"] = 1; // as the API: message_start's output count is provisional
  add_frame(response, sse("message_start", {{"type", "message_start"}, {"message", start}}));
  add_frame(response, sse("content_block_start", {{"type", "content_block_start"},
                                                  {"index", 0},
                                                  {"content_block", {{"type", "text"}, {"text", ""}}}}));
  add_frame(response, sse("ping", {{"type", "ping"}}));
  const std::vector<std::string> pieces = stream_pieces(reply);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (cut && i == cut_point(pieces.size())) {
      return response; // stream_cut: no content_block_stop, message_delta or message_stop
    }
    add_frame(response,
              sse("content_block_delta", {{"type", "content_block_delta"},
                                          {"index", 0},
                                          {"delta", {{"type", "text_delta"}, {"text", pieces[i]}}}}));
  }
  if (cut) {
    return response;
  }
  add_frame(response, sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}));
  add_frame(response,
            sse("message_delta", {{"type", "message_delta"},
                                  {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                                  {"usage", {{"output_tokens", output_tokens}}}}));
  add_frame(response, sse("message_stop", {{"type", "message_stop"}}));
  return response;
}

} // namespace

bool PromptCacheLedger::first_use(const std::string& prefix)
{
  std::lock_guard lock(m_mutex);
  if (m_seen.size() >= k_max_entries && m_seen.count(prefix) == 0) {
    m_seen.clear();
  }
  return m_seen.insert(prefix).second;
}

HttpResponse anthropic_error(int status, const std::string& message)
{
  return json_response(status, {{"type", "error"},
                                {"error", {{"type", error_type(status)}, {"message", message}}},
                                {"request_id", "req_mock"}});
}

HttpResponse anthropic_messages(const RouteRequest& request)
{
  const Json& body = request.body;
  if (!body.is_object()) {
    return anthropic_error(400, "The request body must be a JSON object.");
  }
  const auto max_tokens = body.find("max_tokens");
  if (max_tokens == body.end() || !max_tokens->is_number_integer()) {
    return anthropic_error(400, "max_tokens: Field required");
  }
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    return anthropic_error(400, "messages: at least one message is required");
  }
  std::vector<PromptBlock> blocks;
  if (const auto system = body.find("system"); system != body.end()) {
    add_blocks(*system, blocks);
  }
  std::string last_user;
  for (const Json& message : *messages) {
    if (!message.is_object() || !message.contains("content")) {
      return anthropic_error(400, "messages: each message needs 'role' and 'content'");
    }
    add_blocks(message["content"], blocks);
    if (string_field(message, "role") == "user") {
      last_user = content_text(message["content"]);
    }
  }
  const std::string model = string_field(body, "model");
  const std::string* rule_reply = request.answers.match(model, last_user);
  const std::string reply = rule_reply != nullptr ? *rule_reply : last_user;
  const Usage usage = prompt_usage(blocks, request.cache);
  const std::int64_t output_tokens = tokens(reply);
  const Json message = {{"id", fmt::format("msg_mock_{}", request.serial)},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"model", model},
                        {"content", Json::array({{{"type", "text"}, {"text", reply}}})},
                        {"stop_reason", "end_turn"},
                        {"stop_sequence", nullptr},
                        {"usage",
                         {{"input_tokens", usage.input},
                          {"output_tokens", output_tokens},
                          {"cache_creation_input_tokens", usage.cache_creation},
                          {"cache_read_input_tokens", usage.cache_read}}}};
  if (bool_field(body, "stream")) {
    return stream(message, reply, output_tokens, request.cut);
  }
  return json_response(200, message);
}

} // namespace evalgate::mock
