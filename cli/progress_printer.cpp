#include "progress_printer.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace evalgate::cli {

namespace {

int terminal_width()
{
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80;
}

std::string clock_text(double seconds)
{
  const long total = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld:%02ld", total / 60, total % 60);
  }
  return buffer;
}

} // namespace

bool progress_wanted()
{
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) != 0 && (term == nullptr || std::strcmp(term, "dumb") != 0);
}

void ProgressPrinter::on_start(const RunInfo& /*info*/, const RunProgress& progress)
{
  m_start = std::chrono::steady_clock::now();
  draw(progress, true);
}

void ProgressPrinter::on_trial(const ScoredTrial& /*trial*/, const RunProgress& progress) { draw(progress, false); }

void ProgressPrinter::on_finish(const RunProgress& progress)
{
  draw(progress, true);
  if (m_drawn) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

void ProgressPrinter::draw(const RunProgress& progress, bool force)
{
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - m_last_draw < std::chrono::milliseconds(100)) {
    return;
  }
  m_last_draw = now;
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  const double rate = elapsed > 0 ? static_cast<double>(progress.done) / elapsed : 0;
  std::string line = "[" + std::to_string(progress.done) + "/" + std::to_string(progress.total) + "]";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " %.1f/s", rate);
  line += buffer;
  if (rate > 0 && progress.done < progress.total) {
    line += " ETA " + clock_text(static_cast<double>(progress.total - progress.done) / rate);
  }
  line += " errors " + std::to_string(progress.failed);
  if (progress.skipped > 0) {
    line += " (resumed, " + std::to_string(progress.skipped) + " already done)";
  }
  const auto width = static_cast<std::size_t>(std::max(10, terminal_width() - 1));
  if (line.size() > width) {
    line.resize(width - 1);
    line += "…";
  }
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  m_drawn = true;
}

} // namespace evalgate::cli
