#include "modesweep/sweep/progress.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ostream>

namespace modesweep::sweep {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "?";
  auto s = static_cast<std::uint64_t>(std::llround(seconds));
  const std::uint64_t days = s / 86400;
  s %= 86400;
  const std::string hms = fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return days > 0 ? fmt::format("{}d {:0>8}", days, hms) : hms;
}

std::string format_count(double value) {
  const char* units[] = {"", "k", "M", "G", "T", "P"};
  int u = 0;
  while (std::fabs(value) >= 999.5 && u < 5) {
    value /= 1000.0;
    ++u;
  }
  if (u == 0) return fmt::format("{:.0f}", value);
  return fmt::format("{:.3g}{}", value, units[u]);
}

Progress::Progress(std::ostream& out, bool live, double interval_seconds, std::uint64_t total,
                   std::uint64_t already_done)
    : out_(out),
      live_(live),
      interval_(interval_seconds),
      total_(total),
      start_done_(already_done),
      start_(Clock::now()),
      last_print_(start_) {}

double Progress::rate(std::uint64_t done) const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  return elapsed > 0.0 ? static_cast<double>(done - start_done_) / elapsed : 0.0;
}

std::string Progress::line(std::uint64_t done, std::uint64_t total, double rate,
                           double eta_seconds) {
  const double percent =
      total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  return fmt::format("{} / {} points  {:5.1f}%  {} points/s  ETA {}",
                     format_count(static_cast<double>(done)),
                     format_count(static_cast<double>(total)), percent, format_count(rate),
                     rate > 0.0 ? format_duration(eta_seconds) : "?");
}

void Progress::print(std::uint64_t done, bool final) {
  const double r = rate(done);
  const double eta = r > 0.0 ? static_cast<double>(total_ - done) / r : -1.0;
  const std::string text = line(done, total_, r, eta);
  if (live_) {
    out_ << "\r\033[K[modesweep] " << text << (final ? "\n" : "") << std::flush;
  } else {
    out_ << "[modesweep] " << text << '\n' << std::flush;
  }
  last_print_ = Clock::now();
}

void Progress::update(std::uint64_t done) {
  const double since = std::chrono::duration<double>(Clock::now() - last_print_).count();
  if (since >= (live_ ? 0.25 : interval_)) print(done, false);
}

void Progress::finish(std::uint64_t done) { print(done, true); }

}  // namespace modesweep::sweep
