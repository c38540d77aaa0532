#include "providers/redact.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace evalgate {

namespace {

constexpr std::size_t k_min_secret_length = 6;
constexpr const char* k_mask = "***";

void replace_all(std::string& text, const std::string& needle)
{
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), k_mask);
    pos += 3;
  }
}

bool is_token_char(char c)
{
  // Masked keys are echoed inside prose or JSON strings: stop at whitespace, quotes and punctuation
  // that never occurs in a key.
  return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == ',' || c == ';' ||
           c == '(' || c == ')' || c == '<' || c == '>');
}

// Where a masked echo may be: asterisks ("sk-VKMIs***wjh3"), three dots ("sk-...wjh3") or an
// ellipsis character ("sk-…wjh3").
std::size_t next_mask_mark(const std::string& text, std::size_t from)
{
  return std::min({text.find('*', from), text.find("...", from), text.find("\xE2\x80\xA6", from)});
}

// Providers echo a bad key as its prefix, some asterisks or dots and its last four characters; the
// full key never appears then, but prefix + suffix together still leak more than we want stored.
void redact_masked(std::string& text, const std::string& secret)
{
  const std::string prefix = secret.substr(0, 3);
  const std::string suffix = secret.substr(secret.size() - 4);
  std::size_t pos = 0;
  while ((pos = next_mask_mark(text, pos)) != std::string::npos) {
    std::size_t begin = pos;
    while (begin > 0 && is_token_char(text[begin - 1])) {
      --begin;
    }
    std::size_t end = pos;
    while (end < text.size() && is_token_char(text[end])) {
      ++end;
    }
    // Sentence punctuation after the echo is not part of it ("...wjh3. You can find").
    while (end > pos + 1 && (text[end - 1] == '.' || text[end - 1] == ':' || text[end - 1] == '!')) {
      --end;
    }
    const std::string_view token(text.data() + begin, end - begin);
    // A token that is already our own mask is left alone.
    if (token != k_mask && token.size() > prefix.size() + suffix.size() && token.starts_with(prefix) &&
        token.ends_with(suffix)) {
      text.replace(begin, end - begin, k_mask);
      pos = begin + 3;
    } else {
      pos = std::max(end, pos + 1);
    }
  }
}

} // namespace

std::string redact_secrets(std::string text, const std::vector<std::string>& secrets)
{
  for (const auto& secret : secrets) {
    if (secret.size() < k_min_secret_length) {
      continue;
    }
    replace_all(text, secret);
    redact_masked(text, secret);
  }
  return text;
}

} // namespace evalgate
