#include "suite/case_id_index.hpp"

#include <functional>

namespace evalgate::suite_detail {

std::optional<std::size_t> CaseIdIndex::find(std::string_view id) const
{
  if (m_slots.empty()) {
    return std::nullopt;
  }
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t at = std::hash<std::string_view>{}(id)&mask; m_slots[at] != 0; at = (at + 1) & mask) {
    if (m_cases.id(m_slots[at] - 1) == id) {
      return m_slots[at] - 1;
    }
  }
  return std::nullopt;
}

void CaseIdIndex::place(std::size_t position)
{
  const std::size_t mask = m_slots.size() - 1;
  std::size_t at = std::hash<std::string_view>{}(m_cases.id(position)) & mask;
  while (m_slots[at] != 0) {
    at = (at + 1) & mask;
  }
  m_slots[at] = static_cast<std::uint32_t>(position + 1);
}

void CaseIdIndex::add(std::size_t position)
{
  if (2 * (m_count + 1) > m_slots.size()) {
    // Doubled and every id placed again: the table stays at most half full.
    std::vector<std::uint32_t> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 64 : old.size() * 2, 0);
    for (std::uint32_t slot : old) {
      if (slot != 0) {
        place(slot - 1);
      }
    }
  }
  place(position);
  ++m_count;
}

} // namespace evalgate::suite_detail
