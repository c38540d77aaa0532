// A full disk during a run: the database lives on a small tmpfs that fills up mid-run. The run
// must stop with a clear error naming the database and the lack of space (exit 3), leave a
// database that passes SQLite's integrity check, and finish with --resume once there is room.
// Mounting needs root (CAP_SYS_ADMIN); without it the test falls back to a file-size limit
// (RLIMIT_FSIZE set by a tiny shell wrapper), which fails writes the same way, and says so.

#include <doctest/doctest.h>

#include <sys/mount.h>

#include <filesystem>
#include <fstream>

#include "child_process.hpp"
#include "harness.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr int k_cases = 150;

// A tmpfs at `dir` of `size` (e.g. "1m"), unmounted on destruction; mounted() is false when
// this process may not mount.
class SmallDisk {
public:
  SmallDisk(std::string dir, const std::string& size) : m_dir(std::move(dir))
  {
    std::filesystem::create_directories(m_dir);
    m_mounted = mount("tmpfs", m_dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallDisk()
  {
    if (m_mounted) {
      umount2(m_dir.c_str(), MNT_DETACH);
    }
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return m_mounted; }
  bool grow(const std::string& size)
  {
    return mount("tmpfs", m_dir.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }

private:
  std::string m_dir;
  bool m_mounted = false;
};

// Every case asks the echo model for a 16 KB prompt, so each trial stores ~50 KB (output plus the
// cached request and response) and a disk of a few hundred KB fills after a few batches.
void write_echo_suite(const Harness& h)
{
  std::string dataset;
  for (int i = 1; i <= k_cases; ++i) {
    dataset += "{\"id\": \"c" + std::to_string(i) + "\", \"n\": " + std::to_string(i) + "}\n";
  }
  h.dir().write("echo.jsonl", dataset);
  h.dir().write("evalgate.yaml",
                "name: full-disk\nprompts:\n  - id: p\n    text: \"case {{n}} " + std::string(16000, 'x') +
                    "\"\nproviders:\n  - id: echo\n    type: openai\n    model: echo\n"
                    "    base_url: http://127.0.0.1:${EVALGATE_MOCK_PORT}/v1\n"
                    "datasets:\n  - echo.jsonl\nevaluators:\n  - type: contains\n    value: \"case\"\n"
                    "gate:\n  - metric: contains\n    min_pass_rate: 1\nconcurrency: 2\n");
}

} // namespace

TEST_CASE(
    "a disk that fills up mid-run stops the run with exit 3 naming the database, and --resume finishes it")
{
  MockOptions mock;
  // Slow enough that the disk fills (within the first few 200 ms commits) long before the 150
  // trials could all have been requested, even on a fast machine.
  mock.latency_ms = 20;
  Harness h(mock);
  write_echo_suite(h);
  const std::string disk_dir = h.dir().file("disk");
  const std::string db = disk_dir + "/runs.db";
  const std::vector<std::string> env = {"EVALGATE_MOCK_PORT=" + std::to_string(h.mock().port())};

  SmallDisk disk(disk_dir, "1m");
  std::vector<std::string> first_args = {EVALGATE_BIN, "run", "--db", db, "--no-progress"};
  if (disk.mounted()) {
    MESSAGE("full disk simulated with a 1 MiB tmpfs");
  } else {
    MESSAGE("cannot mount a tmpfs here; full disk simulated with RLIMIT_FSIZE (ulimit -f) on the run");
    first_args.insert(first_args.begin(),
                      {"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 2048; exec \"$0\" \"$@\""});
  }
  ChildProcess first(first_args, h.dir().path().string(), env, h.dir().file("first"));
  const int code = first.wait();
  const std::string err = first.err();
  INFO(err);
  CHECK(code == 3);
  CHECK(err.find(db) != std::string::npos);
  if (disk.mounted()) {
    CHECK(err.find("disk full: no space left on device") != std::string::npos);
  } else {
    // sqlite's errno may be stale by the time it is read: either wording names the limit.
    CHECK((err.find("(file size limit reached: File too large; see ulimit -f)") != std::string::npos ||
           err.find("(probably the file size limit: ulimit -f is set)") != std::string::npos));
  }
  CHECK(err.find("finish the run with: evalgate run --resume ") != std::string::npos);
  // The run stopped admitting trials once the store failed, instead of paying for all of them.
  CHECK(h.mock_stats().value("requests", 0) < k_cases);
  CHECK(store_damage(db, 1) == "");
  const std::string stored = SqlProbe(db).scalar("SELECT count(*) FROM trials");
  MESSAGE(stored << " of " << k_cases << " trials were stored before the disk filled");

  if (disk.mounted()) {
    REQUIRE(disk.grow("64m"));
  }
  ChildProcess resumed({EVALGATE_BIN, "run", "--resume", "latest", "--db", db, "--no-progress", "-j", "16"},
                       h.dir().path().string(), env, h.dir().file("resumed"));
  const int resumed_code = resumed.wait();
  INFO(resumed.err());
  CHECK(resumed_code == 0);
  CHECK(store_damage(db, 1) == "");
  SqlProbe sql(db);
  CHECK(sql.scalar("SELECT count(*) FROM trials") == std::to_string(k_cases));
  CHECK(sql.scalar("SELECT count(*) FROM scores WHERE pass = 1") == std::to_string(k_cases));
  CHECK(sql.scalar("SELECT status || ' ' || verdict FROM runs") == "completed pass");
}
