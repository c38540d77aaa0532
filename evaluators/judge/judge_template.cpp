#include "evaluators/judge/judge_template.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/template.hpp"
#include "evaluators/judge/embedded_templates.hpp"

namespace evalgate {

namespace {

bool contains(const std::vector<std::string>& items, const std::string& item)
{
  return std::find(items.begin(), items.end(), item) != items.end();
}

Result<void> check_placeholders(const SpecReader& reader, const std::string& name, const std::string& text,
                                const StepPlaceholders& placeholders, bool check_required)
{
  auto used = template_variables(text);
  if (!used) {
    return reader.error(
        fmt::format("evaluator '{}' template '{}': {}", reader.type(), name, used.error().message));
  }
  for (const auto& variable : *used) {
    if (!contains(placeholders.allowed, variable)) {
      return reader.error(fmt::format("evaluator '{}' template '{}' uses unknown placeholder '{{{{{}}}}}'; "
                                      "expected some of: {}",
                                      reader.type(), name, variable, fmt::join(placeholders.allowed, ", ")));
    }
  }
  if (check_required) {
    for (const auto& variable : placeholders.required) {
      if (!contains(*used, variable)) {
        return reader.error(
            fmt::format("evaluator '{}' template '{}' must use '{{{{{}}}}}' (the data the judge grades)",
                        reader.type(), name, variable));
      }
    }
  }
  return {};
}

// Inserts a space wherever '<' or '>' would run three in a row: the block markers need three.
std::string break_marker_runs(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  int run = 0;
  char previous = 0;
  for (char c : text) {
    run = (c == previous) ? run + 1 : 1;
    previous = c;
    if ((c == '<' || c == '>') && run == 3) {
      out += ' ';
      run = 1;
    }
    out += c;
  }
  return out;
}

} // namespace

const std::string* find_embedded_template(const std::string& name)
{
  for (const auto& entry : embedded_judge_templates()) {
    if (entry.name == name) {
      return &entry.text;
    }
  }
  return nullptr;
}

Result<JudgeTemplate> JudgeTemplate::builtin(const SpecReader& reader, const std::string& name,
                                             const StepPlaceholders& placeholders)
{
  const std::string* text = find_embedded_template(name);
  if (text == nullptr) {
    return fail(ErrorCategory::internal, "built-in judge template '" + name + "' is missing from this build");
  }
  if (auto ok = check_placeholders(reader, name, *text, placeholders, true); !ok) {
    return fail(ok.error());
  }
  JudgeTemplate made;
  made.m_name = name;
  made.m_text = *text;
  return made;
}

Result<JudgeTemplate> JudgeTemplate::from_file(const SpecReader& reader, const std::string& path,
                                               const std::string& base_dir,
                                               const StepPlaceholders& placeholders, bool check_required)
{
  std::filesystem::path full(path);
  if (full.is_relative() && !base_dir.empty()) {
    full = std::filesystem::path(base_dir) / full;
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) {
    return reader.error(
        fmt::format("evaluator '{}' template '{}' cannot be read ({})", reader.type(), path, full.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (auto ok = check_placeholders(reader, path, text.str(), placeholders, check_required); !ok) {
    return fail(ok.error());
  }
  JudgeTemplate made;
  made.m_name = path;
  made.m_text = text.str();
  return made;
}

Result<std::string> JudgeTemplate::render(const Json& values) const
{
  auto rendered = render_template(m_text, values);
  if (!rendered) {
    return fail(ErrorCategory::internal, "judge template '" + m_name + "': " + rendered.error().message);
  }
  return rendered;
}

std::string data_block(std::string_view label, std::string_view text)
{
  return fmt::format("<<<{0}\n{1}\n{0}>>>", label, break_marker_runs(text));
}

std::string fnv1a_hex(std::string_view text)
{
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", hash);
}

} // namespace evalgate
