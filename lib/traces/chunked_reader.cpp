#include "traces/chunked_reader.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "traces/json_value.hpp"
#include "traces/reader_context.hpp"
#include "traces/record_reader.hpp"

namespace evalgate::traces {

namespace {

using simdjson::dom::element;

// Whole lines of the file; `buffer` has SIMDJSON_PADDING readable bytes after `size`, so each line
// can be parsed in place.
struct Chunk {
  std::vector<char> buffer;
  std::size_t size = 0;
  bool first = false; // holds line 1 (where a BOM may be)
};

// What one chunk gave, with line numbers relative to the chunk (line 1 = its first line).
struct ChunkOut {
  std::vector<TraceRecord> records;
  std::vector<std::pair<std::size_t, TraceWarning>> warnings; // with the count of records before it
  long lines = 0;
  std::int64_t record_count = 0; // including the ones ReadOptions::keep dropped
  std::int64_t warning_count = 0;
  std::optional<Error> error;
  std::vector<char> buffer; // handed back for reuse
};

void strip_cr(std::string_view& line)
{
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
}

bool blank(std::string_view line)
{
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The same per-line steps as the one-thread reader once its first line has parsed.
ChunkOut read_chunk(Chunk chunk, const std::string& path, const ReadOptions& options, TraceFormat format,
                    simdjson::dom::parser& parser)
{
  ChunkOut out;
  FileReadSummary summary;
  summary.path = path;
  summary.format = format;
  const RecordSink on_record = [&out](TraceRecord&& record) { out.records.push_back(std::move(record)); };
  const WarningSink on_warning = [&out](const TraceWarning& warning) {
    out.warnings.emplace_back(out.records.size(), warning);
  };
  ReaderContext context(path, options, on_record, on_warning, summary);
  RecordReader reader(context, summary);
  const char* data = chunk.buffer.data();
  std::size_t begin = 0;
  while (begin < chunk.size) {
    const void* found = std::memchr(data + begin, '\n', chunk.size - begin);
    const std::size_t end =
        found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - data) : chunk.size;
    std::string_view line(data + begin, end - begin);
    begin = end + 1;
    ++out.lines;
    strip_cr(line);
    if (chunk.first && out.lines == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF) {
      line.remove_prefix(3); // BOM
    }
    if (blank(line)) {
      continue;
    }
    context.at_line(out.lines);
    element root;
    simdjson::padded_string repaired;
    auto error = parse_json_line(parser, line, context, repaired, root);
    if (error != simdjson::SUCCESS) {
      context.warn("", std::string("not valid JSON (") + simdjson::error_message(error) + "); line skipped");
    } else if (auto ok = reader.value(root, false); !ok) {
      out.error = ok.error();
      break;
    }
    if (context.error()) {
      out.error = *context.error();
      break;
    }
  }
  out.record_count = summary.records;
  out.warning_count = summary.warnings;
  out.buffer = std::move(chunk.buffer);
  return out;
}

// Cuts the file into chunks of whole lines on the calling thread.
class ChunkSource {
public:
  ChunkSource(std::FILE* file, std::size_t chunk_bytes)
      : m_file(file), m_chunk(std::max<std::size_t>(chunk_bytes, 1))
  {
  }

  // Fills `chunk` (reusing its buffer) with the next whole lines; false at the end of the file.
  bool next(Chunk& chunk)
  {
    const std::size_t padding = simdjson::SIMDJSON_PADDING;
    if (chunk.buffer.size() < m_chunk + m_carry.size() + padding) {
      chunk.buffer.resize(m_chunk + m_carry.size() + padding);
    }
    if (!m_carry.empty()) { // memcpy from an empty vector's null data() is undefined
      std::memcpy(chunk.buffer.data(), m_carry.data(), m_carry.size());
    }
    chunk.size = m_carry.size();
    m_carry.clear();
    for (;;) {
      if (!m_eof) {
        const std::size_t room = chunk.buffer.size() - padding - chunk.size;
        const std::size_t got = std::fread(chunk.buffer.data() + chunk.size, 1, room, m_file);
        chunk.size += got;
        m_bytes += got;
        m_eof = got < room;
      }
      const void* last = memrchr(chunk.buffer.data(), '\n', chunk.size);
      if (last != nullptr) {
        const std::size_t cut =
            static_cast<std::size_t>(static_cast<const char*>(last) - chunk.buffer.data()) + 1;
        m_carry.assign(chunk.buffer.data() + cut, chunk.buffer.data() + chunk.size);
        chunk.size = cut;
        chunk.first = m_chunks++ == 0;
        return true;
      }
      if (m_eof) {
        chunk.first = m_chunks++ == 0;
        return chunk.size > 0;
      }
      // A line longer than the buffer: grow it (a line has to be whole to be parsed).
      chunk.buffer.resize((chunk.buffer.size() - padding) * 2 + padding);
    }
  }

  std::uint64_t bytes() const { return m_bytes; }

private:
  std::FILE* m_file;
  std::size_t m_chunk;
  std::vector<char> m_carry;
  bool m_eof = false;
  std::size_t m_chunks = 0;
  std::uint64_t m_bytes = 0;
};

// Worker threads, each with its own parser (reused across chunks: its buffers stay allocated).
class ChunkWorkers {
public:
  using Task = std::packaged_task<ChunkOut(simdjson::dom::parser&)>;

  explicit ChunkWorkers(int threads)
  {
    for (int i = 0; i < threads; ++i) {
      m_threads.emplace_back([this] { run(); });
    }
  }
  // Queued chunks are still read (at most the in-flight window) before the threads end.
  ~ChunkWorkers()
  {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_done = true;
    }
    m_wake.notify_all();
    for (auto& thread : m_threads) {
      thread.join();
    }
  }
  ChunkWorkers(const ChunkWorkers&) = delete;
  ChunkWorkers& operator=(const ChunkWorkers&) = delete;

  std::future<ChunkOut> post(Task task)
  {
    auto future = task.get_future();
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_queue.push_back(std::move(task));
    }
    m_wake.notify_one();
    return future;
  }

private:
  void run()
  {
    simdjson::dom::parser parser;
    for (;;) {
      Task task;
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_wake.wait(lock, [this] { return m_done || !m_queue.empty(); });
        if (m_queue.empty()) {
          return;
        }
        task = std::move(m_queue.front());
        m_queue.pop_front();
      }
      task(parser);
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Task> m_queue;
  bool m_done = false;
  std::vector<std::thread> m_threads;
};

// The format of the file from its first non-blank line, as the one-thread reader would detect it;
// nullopt when that line does not parse or its first record is not recognised.
std::optional<TraceFormat> first_line_format(const Chunk& chunk, TraceFormat given)
{
  std::size_t begin = 0;
  long line_number = 0;
  while (begin < chunk.size) {
    const void* found = std::memchr(chunk.buffer.data() + begin, '\n', chunk.size - begin);
    const std::size_t end =
        found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - chunk.buffer.data())
                         : chunk.size;
    std::string_view line(chunk.buffer.data() + begin, end - begin);
    begin = end + 1;
    strip_cr(line);
    if (++line_number == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF) {
      line.remove_prefix(3);
    }
    if (blank(line)) {
      continue;
    }
    simdjson::dom::parser parser;
    simdjson::padded_string copy(repair_utf8(line));
    element root;
    if (parser.parse(copy).get(root) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    if (given != TraceFormat::auto_detect) {
      return given;
    }
    element item = root;
    element data;
    if (root.is_array()) {
      simdjson::dom::array items(root);
      if (items.begin() == items.end()) {
        return std::nullopt;
      }
      item = *items.begin();
    } else if (root.is_object() && !has_key(root, "resourceSpans") &&
               root["data"].get(data) == simdjson::SUCCESS && data.is_array()) {
      simdjson::dom::array items(data);
      if (items.begin() == items.end()) {
        return std::nullopt;
      }
      item = *items.begin();
    }
    return sniff_format(item);
  }
  return std::nullopt;
}

} // namespace

std::optional<Result<void>> read_jsonl_chunked(std::FILE* file, const std::string& path,
                                               const ReadOptions& options, const RecordSink& on_record,
                                               const WarningSink& on_warning, FileReadSummary& summary)
{
  ChunkSource source(file, options.chunk_bytes);
  Chunk first;
  std::optional<TraceFormat> format;
  if (source.next(first)) {
    format = first_line_format(first, options.format);
  }
  if (!format) {
    std::rewind(file);
    return std::nullopt;
  }
  summary.detected = options.format == TraceFormat::auto_detect;
  summary.format = *format;

  ChunkWorkers workers(options.threads);
  std::deque<std::future<ChunkOut>> pending;
  std::vector<std::vector<char>> spare;
  const std::size_t window = static_cast<std::size_t>(options.threads) * 2;
  const TraceFormat chunk_format = *format;
  auto post = [&](Chunk chunk) {
    pending.push_back(workers.post(ChunkWorkers::Task(
        [chunk = std::move(chunk), &path, &options, chunk_format](simdjson::dom::parser& parser) mutable {
          return read_chunk(std::move(chunk), path, options, chunk_format, parser);
        })));
  };
  long base = 0;
  // Hands the oldest chunk's records and warnings to the sinks in their original order.
  auto merge = [&]() -> Result<void> {
    ChunkOut out = pending.front().get();
    pending.pop_front();
    std::size_t next_record = 0;
    auto records_until = [&](std::size_t end) {
      for (; next_record < end; ++next_record) {
        TraceRecord& record = out.records[next_record];
        record.source_line += base;
        on_record(std::move(record));
      }
    };
    for (auto& [before, warning] : out.warnings) {
      records_until(before);
      if (warning.location.line > 0) {
        warning.location.line += static_cast<int>(base);
      }
      on_warning(warning);
    }
    records_until(out.records.size());
    summary.records += out.record_count;
    summary.warnings += out.warning_count;
    if (out.error) {
      Error error = *out.error;
      if (error.location.line > 0) {
        error.location.line += static_cast<int>(base);
      }
      return fail(std::move(error));
    }
    base += out.lines;
    spare.push_back(std::move(out.buffer));
    return {};
  };

  post(std::move(first));
  for (;;) {
    Chunk chunk;
    if (!spare.empty()) {
      chunk.buffer = std::move(spare.back());
      spare.pop_back();
    }
    if (!source.next(chunk)) {
      break;
    }
    post(std::move(chunk));
    while (pending.size() >= window) {
      if (auto ok = merge(); !ok) {
        return Result<void>(fail(ok.error()));
      }
    }
  }
  while (!pending.empty()) {
    if (auto ok = merge(); !ok) {
      return Result<void>(fail(ok.error()));
    }
  }
  summary.bytes = source.bytes();
  return Result<void>{};
}

} // namespace evalgate::traces
