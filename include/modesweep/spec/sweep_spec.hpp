// Sweep specifications: the TOML file a user writes for `modesweep run` (README, "Sweep
// specs"). Parsing validates everything before any work: an error names file:line:column,
// the key and the valid range, on one line.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace modesweep::spec {

// A malformed spec. what() is one line: "FILE:LINE:COL: KEY: what is wrong and what is valid".
class SpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Design { factorial, latin_hypercube, sobol };
// What a sweep computes: the exact loss (MODEL.md 3), Monte Carlo replicas (MODEL.md 4), or both.
enum class Mode { exact, mc, both };
// How Monte Carlo training goes through the training set (mc::Sampling).
enum class McSampling { sequential, with_replacement };

// The six sweep axes in MODEL.md order.
enum Axis : int { alpha = 0, beta = 1, gamma = 2, N = 3, D = 4, tau = 5 };
inline constexpr int axis_count = 6;
inline constexpr std::array<const char*, axis_count> axis_names = {"alpha", "beta", "gamma",
                                                                   "N",     "D",    "tau"};

// One axis. Factorial: `values` lists the grid values in the order given. Designs: either a
// fixed value (`values` of size 1, `is_range` false) or a range sampled linearly or in log.
struct AxisSpec {
  std::vector<double> values;
  bool is_range = false;
  double low = 0.0;
  double high = 0.0;
  bool log_scale = false;
};

struct SweepSpec {
  std::string source_name;  // the path the text came from, for messages
  std::string text;         // the spec file's text, stored in the results file
  std::string name;
  Mode mode = Mode::exact;
  Design design = Design::factorial;
  std::string output;                 // results file path ("" = <spec stem>.h5)
  std::uint64_t chunk_points = 8192;  // points per work chunk
  double learning_rate = 0.1;         // MODEL.md 2 defaults
  double capacity_scale = 1.0;
  double irreducible = 0.0;
  double flops_per_param_token = 6.0;
  std::uint64_t count = 0;     // designs: number of points
  std::uint64_t seed = 0;      // designs: randomisation seed
  std::uint64_t replicas = 0;  // mode mc|both: Monte Carlo replicas per point
  std::uint64_t mc_seed = 0;   // mode mc|both: [sweep] seed of the Philox streams
  McSampling sampling = McSampling::sequential;
  std::array<AxisSpec, axis_count> axes;
};

inline constexpr std::uint64_t max_chunk_points = std::uint64_t{1} << 24;
// Monte Carlo replicas per point (mc/batch.hpp) and with-replacement's mode limit
// (mc/count_sampler.hpp), repeated here so that specs need no Kokkos headers.
inline constexpr std::uint64_t min_replicas = 2;
inline constexpr std::uint64_t max_replicas = 10000000;
inline constexpr double with_replacement_max_modes = 100000.0;
inline constexpr std::uint64_t max_chunks = std::uint64_t{1} << 24;
// Largest number of values one axis may expand to (memory: the axes are held in full).
inline constexpr std::uint64_t max_axis_values = 1000000;

// Parses and validates `text`; `source_name` is used in messages. `max_points` bounds the
// number of grid points (factorial product or design count). Throws SpecError.
SweepSpec parse_spec(std::string_view text, const std::string& source_name,
                     std::uint64_t max_points);

// The text of the spec file `path`. Throws SpecError when it cannot be read.
std::string read_spec_text(const std::string& path);

// Reads `path` and parses it. Throws SpecError (also when the file cannot be read).
SweepSpec parse_spec_file(const std::string& path, std::uint64_t max_points);

// Number of points the spec describes (product of axis sizes, or the design count).
std::uint64_t point_count(const SweepSpec& spec);

const char* design_name(Design design);
const char* mode_name(Mode mode);
const char* sampling_name(McSampling sampling);
inline bool has_exact_mode(Mode mode) { return mode != Mode::mc; }
inline bool has_mc_mode(Mode mode) { return mode != Mode::exact; }
inline bool has_exact(const SweepSpec& spec) { return has_exact_mode(spec.mode); }
inline bool has_mc(const SweepSpec& spec) { return has_mc_mode(spec.mode); }

}  // namespace modesweep::spec
