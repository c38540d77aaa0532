#include "suite/dataset_formats.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/json_depth.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

// Splits a stream into lines without ever holding more than k_max_row_bytes of one line, so a
// file that is one huge line fails fast instead of being read whole.
class LineReader {
public:
  enum class Got { line, end, too_long };

  explicit LineReader(std::istream& in) : m_buf(*in.rdbuf()) {}

  Got next(std::string& line)
  {
    line.clear();
    bool any = false;
    for (;;) {
      if (m_pos == m_len) {
        m_pos = 0;
        m_len = static_cast<std::size_t>(std::max<std::streamsize>(0, m_buf.sgetn(m_chunk.data(), k_chunk)));
        if (m_len == 0) {
          return any ? Got::line : Got::end;
        }
      }
      any = true;
      const char* start = m_chunk.data() + m_pos;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', m_len - m_pos));
      const std::size_t take = newline != nullptr ? static_cast<std::size_t>(newline - start) : m_len - m_pos;
      if (line.size() + take > k_max_row_bytes) {
        return Got::too_long;
      }
      line.append(start, take);
      m_pos += take;
      if (newline != nullptr) {
        ++m_pos;
        return Got::line;
      }
    }
  }

private:
  static constexpr std::size_t k_chunk = 1 << 16;
  std::streambuf& m_buf;
  std::vector<char> m_chunk = std::vector<char>(k_chunk);
  std::size_t m_pos = 0;
  std::size_t m_len = 0;
};

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r\n") == std::string::npos; }

// nlohmann's message without its "[json.exception.parse_error.101] " tag; a line is parsed on its
// own, so "at line 1, column 7" is really "at column 7" of this row.
std::string parser_message(const std::string& what)
{
  std::string message = what;
  if (!message.empty() && message.front() == '[') {
    if (auto close = message.find("] "); close != std::string::npos) {
      message.erase(0, close + 2);
    }
  }
  const std::string first_line = "at line 1, column ";
  if (auto at = message.find(first_line); at != std::string::npos) {
    message.replace(at, first_line.size(), "at column ");
  }
  // nlohmann quotes the bytes it read; an ill-formed UTF-8 byte there would reach the terminal.
  if (auto last_read = message.find("; last read: ");
      last_read != std::string::npos && !valid_utf8(message)) {
    message.erase(last_read);
  }
  return message;
}

} // namespace

Result<std::size_t> read_jsonl(std::istream& in, const DatasetSource& source, const CaseSink& sink)
{
  std::size_t count = 0;
  std::string line;
  long row = 0;
  LineReader lines(in);
  for (;;) {
    const LineReader::Got got = lines.next(line);
    if (got == LineReader::Got::end) {
      break;
    }
    ++row;
    if (got == LineReader::Got::too_long) {
      return fail(ErrorCategory::data,
                  std::string("row is longer than ") + k_max_row_text +
                      ", the limit for one dataset row (a JSON array or document belongs in a .json file)",
                  row_location(source.display, row));
    }
    if (row == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) {
      line.erase(0, 3);
    }
    if (blank(line)) {
      continue;
    }
    const Location where = row_location(source.display, row);
    if (auto deep = json_depth_exceeded(line)) {
      return fail(ErrorCategory::data, "invalid JSON: " + json_depth_message(*deep), where);
    }
    Json fields;
    try {
      fields = Json::parse(line);
    } catch (const Json::parse_error& e) {
      return fail(ErrorCategory::data, "invalid JSON: " + parser_message(e.what()), where);
    }
    if (!fields.is_object()) {
      return fail(ErrorCategory::data,
                  std::string("expected one JSON object per line, got ") +
                    (fields.is_array() ? "an array" : std::string("a ") + fields.type_name()),
                  where);
    }
    auto built = make_case(std::move(fields), source, row, where, false);
    if (!built) {
      return fail(built.error());
    }
    if (auto taken = sink(std::move(*built)); !taken) {
      return fail(taken.error());
    }
    ++count;
  }
  if (in.bad()) {
    return fail(ErrorCategory::data, "read failed after row " + std::to_string(row), file_location(source.display));
  }
  return count;
}

} // namespace evalgate::suite_detail
