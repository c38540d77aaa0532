// Store::checkpoint: the write-ahead log copied into the database file on a connection of its own.

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

Result<void> Store::checkpoint(const std::string& path)
{
  auto db = sqlite::Db::open(path);
  if (!db) {
    return fail(db.error());
  }
  // PASSIVE: copies what no reader still needs and never waits on a reader or the writer.
  if (auto done = db->exec("PRAGMA wal_checkpoint(PASSIVE)"); !done) {
    return fail(store_detail::in_context(done.error(), "cannot checkpoint " + path));
  }
  return {};
}

} // namespace evalgate
