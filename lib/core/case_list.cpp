#include "core/types.hpp"

#include <algorithm>

namespace evalgate {

namespace {

// Big enough that 50,000 small cases take ~16 chunks, small enough that the last one's unused
// tail does not matter.
constexpr std::size_t k_chunk_bytes = 256 * 1024;

// The record's positions: everything of a Case but id, dataset, row and location's file, line and
// column, which the index entry holds.
enum Field : std::size_t {
  k_vars,
  k_expected,
  k_context,
  k_tags,
  k_metadata,
  k_evaluators,
  k_loc_row,
  k_loc_field
};

Json location_json(const Location& at)
{
  return Json::array({at.file, at.line, at.column, at.row, at.field});
}

Location location_of(const Json& record)
{
  Location at;
  at.file = record[0].get<std::string>();
  at.line = record[1].get<int>();
  at.column = record[2].get<int>();
  at.row = record[3].get<long>();
  at.field = record[4].get<std::string>();
  return at;
}

std::vector<std::uint8_t> record_of(const Case& test_case)
{
  Json evaluators = Json::array();
  for (const EvaluatorSpec& spec : test_case.evaluators) {
    evaluators.push_back(Json::array({spec.type, spec.name, spec.config, location_json(spec.location)}));
  }
  Json record = Json::array({test_case.vars, test_case.expected ? Json(*test_case.expected) : Json(),
                             test_case.context, test_case.tags, test_case.metadata, std::move(evaluators),
                             test_case.location.row, test_case.location.field});
  return Json::to_msgpack(record);
}

} // namespace

CaseList::CaseList(std::initializer_list<Case> cases)
{
  for (const Case& test_case : cases) {
    push_back(test_case);
  }
}

void CaseList::clear()
{
  m_entries.clear();
  m_chunks.clear();
  m_strings.clear();
}

std::uint32_t CaseList::intern(const std::string& text)
{
  // Searched from the end: cases come dataset by dataset, so the last string is nearly always it.
  auto found = std::find(m_strings.rbegin(), m_strings.rend(), text);
  if (found != m_strings.rend()) {
    return static_cast<std::uint32_t>(m_strings.rend() - found - 1);
  }
  m_strings.push_back(text);
  return static_cast<std::uint32_t>(m_strings.size() - 1);
}

void CaseList::push_back(const Case& test_case)
{
  const std::vector<std::uint8_t> record = record_of(test_case);
  const std::size_t need = test_case.id.size() + record.size();
  // A chunk is never appended to beyond its capacity, so the views id() hands out stay valid.
  if (m_chunks.empty() || m_chunks.back().capacity() - m_chunks.back().size() < need) {
    m_chunks.emplace_back();
    m_chunks.back().reserve(std::max(k_chunk_bytes, need));
  }
  std::string& chunk = m_chunks.back();
  Entry entry{};
  entry.chunk = static_cast<std::uint32_t>(m_chunks.size() - 1);
  entry.offset = static_cast<std::uint32_t>(chunk.size());
  entry.id_size = static_cast<std::uint32_t>(test_case.id.size());
  entry.record_size = static_cast<std::uint32_t>(record.size());
  entry.dataset = intern(test_case.dataset);
  entry.file = intern(test_case.location.file);
  entry.has_evaluators = test_case.evaluators.empty() ? 0 : 1;
  entry.row = test_case.row;
  entry.line = test_case.location.line;
  entry.column = test_case.location.column;
  chunk.append(test_case.id);
  chunk.append(reinterpret_cast<const char*>(record.data()), record.size());
  m_entries.push_back(entry);
}

std::string_view CaseList::bytes(const Entry& entry) const
{
  return std::string_view(m_chunks[entry.chunk]).substr(entry.offset, entry.id_size + entry.record_size);
}

std::string_view CaseList::id(std::size_t index) const
{
  const Entry& entry = m_entries[index];
  return bytes(entry).substr(0, entry.id_size);
}

Case CaseList::operator[](std::size_t index) const
{
  const Entry& entry = m_entries[index];
  const std::string_view all = bytes(entry);
  const std::string_view packed = all.substr(entry.id_size);
  Json record = Json::from_msgpack(packed.begin(), packed.end());
  Case out;
  out.id = std::string(all.substr(0, entry.id_size));
  out.dataset = m_strings[entry.dataset];
  out.row = entry.row;
  out.vars = std::move(record[k_vars]);
  if (!record[k_expected].is_null()) {
    out.expected = record[k_expected].get<std::string>();
  }
  out.context = std::move(record[k_context]);
  out.tags = record[k_tags].get<std::vector<std::string>>();
  out.metadata = std::move(record[k_metadata]);
  for (const Json& spec : record[k_evaluators]) {
    out.evaluators.push_back(
        {spec[0].get<std::string>(), spec[1].get<std::string>(), spec[2], location_of(spec[3])});
  }
  out.location.file = m_strings[entry.file];
  out.location.line = entry.line;
  out.location.column = entry.column;
  out.location.row = record[k_loc_row].get<long>();
  out.location.field = record[k_loc_field].get<std::string>();
  return out;
}

} // namespace evalgate
