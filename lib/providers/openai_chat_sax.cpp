#include "providers/openai_chat_sax.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace evalgate {

namespace {

// As count_at in wire_support.cpp clamps integer counts.
constexpr std::int64_t k_max_token_count = 1'000'000'000'000;
// Deeper bodies take the general path, whose depth check names the problem.
constexpr std::size_t k_max_depth = 64;

// Where a container sits in the body. Only these containers' members matter; the rest are skipped.
enum class Where { top, choices, choice, message, usage, details, other };

// The members read, each at most once (a repeated one is left to the general decode, where the
// last occurrence wins).
enum Seen : unsigned {
  k_choices = 1u << 0,
  k_usage = 1u << 1,
  k_message = 1u << 2,
  k_finish_reason = 1u << 3,
  k_logprobs = 1u << 4,
  k_content = 1u << 5,
  k_prompt = 1u << 6,
  k_completion = 1u << 7,
  k_total = 1u << 8,
  k_details = 1u << 9,
  k_cached = 1u << 10,
};

class ChatSax final : public nlohmann::json_sax<Json> {
public:
  std::optional<Completion> result()
  {
    if ((m_seen & k_message) == 0) {
      return std::nullopt; // no choices, an empty array, or a first choice without a message
    }
    Completion out;
    out.text = std::move(m_content);
    if (m_finish_reason) {
      out.raw = Json::object();
      out.raw["finish_reason"] = std::move(*m_finish_reason);
    }
    if ((m_seen & k_usage) != 0) {
      out.usage.prompt_tokens = m_prompt;
      out.usage.completion_tokens = m_completion;
      out.usage.total_tokens = m_total != 0 ? m_total : m_prompt + m_completion;
      out.usage.cached_tokens = m_cached;
    }
    return out;
  }

  bool null() override { return scalar(Kind::null); }
  bool boolean(bool) override { return scalar(Kind::other); }
  bool number_integer(number_integer_t value) override
  {
    m_count = std::clamp<std::int64_t>(value, 0, k_max_token_count);
    return scalar(Kind::count);
  }
  bool number_unsigned(number_unsigned_t value) override
  {
    m_count = static_cast<std::int64_t>(std::min<std::uint64_t>(value, k_max_token_count));
    return scalar(Kind::count);
  }
  bool number_float(number_float_t, const string_t&) override { return scalar(Kind::other); }
  bool string(string_t& value) override
  {
    m_string = &value;
    return scalar(Kind::string);
  }
  bool binary(binary_t&) override { return false; }

  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& name) override
  {
    m_stack.back().key = std::move(name);
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override
  {
    return false;
  }

private:
  enum class Kind { null, count, string, other };

  struct Level {
    Where where;
    bool object;
    std::string key;       // objects: the member being read
    std::size_t items = 0; // arrays: elements seen
  };

  // Marks `flag` seen; false when it already was.
  bool first(unsigned flag)
  {
    if ((m_seen & flag) != 0) {
      return false;
    }
    m_seen |= flag;
    return true;
  }

  // Where a value that is a container goes, or false to give up.
  bool place_container(bool object, Where& where)
  {
    where = Where::other;
    if (m_stack.empty()) {
      if (!object) {
        return false; // the general decode names a non-object body
      }
      where = Where::top;
      return true;
    }
    Level& parent = m_stack.back();
    if (!parent.object) {
      const bool first_item = parent.items++ == 0;
      if (parent.where == Where::choices && first_item) {
        if (!object) {
          return false;
        }
        where = Where::choice;
      }
      return true;
    }
    const std::string& key = parent.key;
    switch (parent.where) {
    case Where::top:
      if (key == "choices") {
        where = Where::choices;
        return !object && first(k_choices);
      }
      if (key == "usage") {
        where = Where::usage;
        return object && first(k_usage);
      }
      return true;
    case Where::choice:
      if (key == "message") {
        where = Where::message;
        return object && first(k_message);
      }
      return key != "finish_reason" && key != "logprobs";
    case Where::message:
      return key != "content" && key != "tool_calls";
    case Where::usage:
      if (key == "prompt_tokens_details") {
        where = Where::details;
        return object && first(k_details);
      }
      return key != "prompt_tokens" && key != "completion_tokens" && key != "total_tokens";
    case Where::details:
      return key != "cached_tokens";
    case Where::choices:
    case Where::other:
      return true;
    }
    return true;
  }

  bool open(bool object)
  {
    Where where = Where::other;
    if (!place_container(object, where) || m_stack.size() >= k_max_depth) {
      return false;
    }
    m_stack.push_back(Level{where, object, {}, 0});
    return true;
  }

  bool close()
  {
    const Level level = std::move(m_stack.back());
    m_stack.pop_back();
    if (level.where == Where::choices && level.items == 0) {
      return false; // an empty 'choices' is the general decode's error
    }
    return true;
  }

  bool scalar(Kind kind)
  {
    if (m_stack.empty()) {
      return false; // a bare scalar body
    }
    Level& parent = m_stack.back();
    if (!parent.object) {
      // The first choice must be an object; other elements are not read.
      return !(parent.where == Where::choices && parent.items++ == 0);
    }
    const std::string& key = parent.key;
    switch (parent.where) {
    case Where::top:
      return key != "choices" && key != "usage";
    case Where::choice:
      if (key == "message") {
        return false;
      }
      if (key == "finish_reason") {
        if (!first(k_finish_reason) || (kind != Kind::string && kind != Kind::null)) {
          return false;
        }
        if (kind == Kind::string) {
          m_finish_reason = std::move(*m_string);
        }
        return true;
      }
      if (key == "logprobs") {
        return first(k_logprobs) && kind == Kind::null;
      }
      return true;
    case Where::message:
      if (key == "content") {
        if (!first(k_content) || (kind != Kind::string && kind != Kind::null)) {
          return false;
        }
        if (kind == Kind::string) {
          m_content = std::move(*m_string);
        }
        return true;
      }
      return key != "tool_calls";
    case Where::usage:
      if (key == "prompt_tokens") {
        return count(k_prompt, kind, m_prompt);
      }
      if (key == "completion_tokens") {
        return count(k_completion, kind, m_completion);
      }
      if (key == "total_tokens") {
        return count(k_total, kind, m_total);
      }
      if (key == "prompt_tokens_details") {
        return first(k_details) && kind == Kind::null;
      }
      return true;
    case Where::details:
      if (key == "cached_tokens") {
        return count(k_cached, kind, m_cached);
      }
      return true;
    case Where::choices:
    case Where::other:
      return true;
    }
    return true;
  }

  bool count(unsigned flag, Kind kind, std::int64_t& into)
  {
    if (!first(flag) || kind != Kind::count) {
      return false;
    }
    into = m_count;
    return true;
  }

  std::vector<Level> m_stack;
  unsigned m_seen = 0;
  std::string* m_string = nullptr; // the string value being handled
  std::int64_t m_count = 0;        // the integer value being handled, clamped
  std::string m_content;
  std::optional<std::string> m_finish_reason;
  std::int64_t m_prompt = 0;
  std::int64_t m_completion = 0;
  std::int64_t m_total = 0;
  std::int64_t m_cached = 0;
};

} // namespace

std::optional<Completion> decode_openai_chat_common(std::string_view body)
{
  ChatSax sax;
  if (!Json::sax_parse(body.data(), body.data() + body.size(), &sax)) {
    return std::nullopt;
  }
  return sax.result();
}

} // namespace evalgate
