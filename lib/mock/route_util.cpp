#include "mock/route_util.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "mock/embeddings.hpp"

namespace evalgate::mock {

HttpResponse json_response(int status, const Json& body)
{
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return response;
}

std::string string_field(const Json& object, const char* key)
{
  if (!object.is_object()) {
    return "";
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool bool_field(const Json& object, const char* key)
{
  if (!object.is_object()) {
    return false;
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::string content_text(const Json& content)
{
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  if (content.is_array()) {
    for (const Json& part : content) {
      if (part.is_object() && string_field(part, "type") == "text") {
        if (!text.empty()) {
          text += '\n';
        }
        text += string_field(part, "text");
      }
    }
  }
  return text;
}

std::int64_t tokens(std::string_view text)
{
  return std::max<std::int64_t>(1, count_words(text));
}

std::vector<std::string> stream_pieces(const std::string& reply)
{
  std::vector<std::string> pieces;
  std::size_t start = 0;
  while (start < reply.size()) {
    std::size_t word = reply.find_first_not_of(" \t\r\n", start);
    if (word == std::string::npos) {
      word = reply.size();
    }
    std::size_t end = reply.find_first_of(" \t\r\n", word);
    if (end == std::string::npos) {
      end = reply.size();
    }
    pieces.push_back(reply.substr(start, end - start));
    start = end;
  }
  return pieces;
}

std::size_t cut_point(std::size_t pieces)
{
  return pieces / 2;
}

void add_frame(HttpResponse& response, const std::string& frame)
{
  response.body += frame;
  response.frame_ends.push_back(response.body.size());
}

std::string utc_timestamp_now()
{
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000000Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string query_parameter(const std::string& target, const std::string& name)
{
  const std::size_t question = target.find('?');
  if (question == std::string::npos) {
    return "";
  }
  std::size_t start = question + 1;
  while (start <= target.size()) {
    std::size_t end = target.find('&', start);
    if (end == std::string::npos) {
      end = target.size();
    }
    const std::string pair = target.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      return equals == std::string::npos ? std::string() : pair.substr(equals + 1);
    }
    start = end + 1;
  }
  return "";
}

} // namespace evalgate::mock
