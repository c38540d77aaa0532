#pragma once
// suite/case_id_index: which case of a CaseList has an id, for the loader's duplicate-id check.
// An open-addressing table of positions (4 bytes a slot, at most half full: ~8-16 bytes a case)
// that reads the ids from the list itself, where a std::unordered_map<std::string, std::size_t>
// copied every id into a node of its own (~65 bytes a case, 3.2 MB at 50,000 cases, all freed
// at once after the load and left as holes in the allocator's heap). May use: core.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace evalgate::suite_detail {

class CaseIdIndex {
public:
  // `cases` must outlive the index; add() is called with each position as the list grows.
  explicit CaseIdIndex(const CaseList& cases) : m_cases(cases) {}

  // The position of the first case with this id, if any was added.
  std::optional<std::size_t> find(std::string_view id) const;
  // Adds the case at `position` (its id must not be in the index yet).
  void add(std::size_t position);

private:
  void place(std::size_t position);

  const CaseList& m_cases;
  std::vector<std::uint32_t> m_slots; // position + 1; 0 = empty
  std::size_t m_count = 0;
};

} // namespace evalgate::suite_detail
