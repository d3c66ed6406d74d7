// Progress of a long sweep on rank 0: points done, points/s, ETA. On a terminal one live line
// (rewritten with \r); otherwise (Slurm logs) a plain line every `interval` seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace modesweep::sweep {

class Progress {
 public:
  Progress(std::ostream& out, bool live, double interval_seconds, std::uint64_t total,
           std::uint64_t already_done);
  // Called with the number of points now done (including already_done).
  void update(std::uint64_t done);
  // The last line (always printed).
  void finish(std::uint64_t done);

  // "1.23M points  45.2%  38.1k points/s  ETA 0:00:39"
  static std::string line(std::uint64_t done, std::uint64_t total, double rate, double eta_seconds);

 private:
  using Clock = std::chrono::steady_clock;
  double rate(std::uint64_t done) const;
  void print(std::uint64_t done, bool final);

  std::ostream& out_;
  bool live_;
  double interval_;
  std::uint64_t total_;
  std::uint64_t start_done_;
  Clock::time_point start_;
  Clock::time_point last_print_;
};

// "0:00:39", "2:03:04", "3d 04:05:06"
std::string format_duration(double seconds);
// "950", "38.1k", "1.23M", "4.5G"
std::string format_count(double value);

}  // namespace modesweep::sweep
