#include "stored_run.hpp"

#include <doctest/doctest.h>

#include "store/store.hpp"

namespace evalgate::testing {

RunData latest_run(const std::string& db)
{
  auto store = Store::open(db);
  REQUIRE(store);
  auto id = (*store)->resolve_run_id("latest");
  REQUIRE(id);
  auto run = (*store)->load_run(*id);
  REQUIRE(run);
  return std::move(run).value();
}

} // namespace evalgate::testing
