#include "suite/suite_sections.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "core/template.hpp"
#include "suite/mapping_reader.hpp"
#include "suite/suggest.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

const std::vector<std::string> k_roles = {"assistant", "developer", "system", "user"};

Result<std::string> read_prompt_file(const SuiteFile& file, const std::string& written, const Location& at)
{
  namespace fs = std::filesystem;
  const fs::path resolved = (file.base_dir / written).lexically_normal();
  std::error_code ec;
  if (!fs::exists(resolved, ec)) {
    return fail(ErrorCategory::config,
                "prompt file '" + written + "' not found (resolved to " + resolved.string() + ")", at);
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in || fs::is_directory(resolved, ec)) {
    const int code = fs::is_directory(resolved, ec) ? EISDIR : errno;
    return fail(ErrorCategory::config,
                "prompt file '" + written + "' cannot be read: " + std::strerror(code) + " (resolved to " +
                  resolved.string() + ")",
                at);
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) {
    content.erase(0, 3);
  }
  // Editors end files with a newline the author did not mean as part of the prompt.
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
    content.pop_back();
  }
  if (!valid_utf8(content)) {
    return fail(ErrorCategory::config, "prompt file '" + written + "' is not valid UTF-8", at);
  }
  return content;
}

// Unbalanced braces are a suite error, found here rather than on the first request.
Result<void> check_template(const std::string& prompt_id, const std::string& text, const Location& at)
{
  auto variables = template_variables(text);
  if (!variables) {
    return fail(ErrorCategory::config, "prompt '" + prompt_id + "': " + variables.error().message, at);
  }
  return {};
}

Result<std::vector<Message>> parse_messages(const SuiteFile& file, const std::string& prompt_id,
                                            const YAML::Node& node, const Location& at)
{
  if (!node.IsSequence() || node.size() == 0) {
    return fail(ErrorCategory::config,
                "'messages' must be a non-empty list of {role, content}, got " + describe(node), at);
  }
  std::vector<Message> messages;
  for (const auto& item : node) {
    auto reader = MappingReader::open(file.display, item, "each message", {"content", "role"});
    if (!reader) {
      return fail(reader.error());
    }
    auto role = reader->string("role");
    if (!role) {
      return fail(role.error());
    }
    auto content = reader->string("content");
    if (!content) {
      return fail(content.error());
    }
    if (!*role) {
      return reader->error("each message needs 'role' (one of " + join(k_roles) + ")", reader->location());
    }
    if (!std::binary_search(k_roles.begin(), k_roles.end(), **role)) {
      return reader->error(unknown_name_message("message role", **role, k_roles), reader->value_location("role"));
    }
    if (!*content) {
      return reader->error("each message needs 'content' (its text)", reader->location());
    }
    if (auto ok = check_template(prompt_id, **content, reader->value_location("content")); !ok) {
      return fail(ok.error());
    }
    messages.push_back(Message{**role, **content});
  }
  return messages;
}

Result<Prompt> parse_prompt(const SuiteFile& file, const YAML::Node& node, std::size_t index)
{
  Prompt prompt;
  prompt.location = node_location(file.display, node);
  if (node.IsScalar()) {
    prompt.id = "prompt-" + std::to_string(index);
    if (!valid_utf8(node.Scalar())) {
      return fail(ErrorCategory::config, "prompt '" + prompt.id + "' is not valid UTF-8", prompt.location);
    }
    if (auto ok = check_template(prompt.id, node.Scalar(), prompt.location); !ok) {
      return fail(ok.error());
    }
    prompt.messages.push_back(Message{"user", node.Scalar()});
    return prompt;
  }
  auto reader = MappingReader::open(file.display, node, "each prompt", {"file", "id", "messages", "text"});
  if (!reader) {
    return fail(reader.error());
  }
  auto id = reader->string("id");
  if (!id) {
    return fail(id.error());
  }
  if (!*id || (*id)->empty()) {
    return reader->error("each prompt needs an 'id' (used in candidate ids '<prompt>/<provider>')",
                         reader->location());
  }
  prompt.id = **id;
  if (prompt.id.find('/') != std::string::npos) {
    return reader->error("prompt id '" + prompt.id + "' must not contain '/': candidate ids are '<prompt>/<provider>'",
                         reader->value_location("id"));
  }
  const int given = int(reader->has("text")) + int(reader->has("file")) + int(reader->has("messages"));
  if (given != 1) {
    return reader->error("prompt '" + prompt.id + "' needs exactly one of 'text', 'file' or 'messages', got " +
                           std::to_string(given),
                         reader->location());
  }
  if (reader->has("messages")) {
    auto messages = parse_messages(file, prompt.id, reader->value("messages"), reader->value_location("messages"));
    if (!messages) {
      return fail(messages.error());
    }
    prompt.messages = std::move(*messages);
    prompt.is_chat = true;
    return prompt;
  }
  const std::string key = reader->has("text") ? "text" : "file";
  auto value = reader->string(key);
  if (!value) {
    return fail(value.error());
  }
  std::string text = **value;
  std::string prefix = "prompt '" + prompt.id + "'";
  if (key == "file") {
    auto content = read_prompt_file(file, text, reader->value_location("file"));
    if (!content) {
      return fail(content.error());
    }
    prefix += " (" + text + ")";
    text = std::move(*content);
  }
  if (auto variables = template_variables(text); !variables) {
    return reader->error(prefix + ": " + variables.error().message, reader->value_location(key));
  }
  prompt.messages.push_back(Message{"user", std::move(text)});
  return prompt;
}

} // namespace

Result<std::vector<Prompt>> parse_prompts(const SuiteFile& file, const YAML::Node& node, const Location& at)
{
  if (!node.IsSequence() || node.size() == 0) {
    return fail(ErrorCategory::config,
                "'prompts' must be a non-empty list of prompts ({id, text | file | messages}), got " + describe(node),
                at);
  }
  std::vector<Prompt> prompts;
  std::map<std::string, Location> seen;
  std::size_t index = 0;
  for (const auto& item : node) {
    auto prompt = parse_prompt(file, item, ++index);
    if (!prompt) {
      return fail(prompt.error());
    }
    if (auto [previous, inserted] = seen.emplace(prompt->id, prompt->location); !inserted) {
      return fail(ErrorCategory::config,
                  "duplicate prompt id '" + prompt->id + "' (first at " + previous->second.str() + ")",
                  prompt->location);
    }
    prompts.push_back(std::move(*prompt));
  }
  return prompts;
}

} // namespace evalgate::suite_detail
