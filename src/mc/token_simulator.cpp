#include "modesweep/mc/token_simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "modesweep/mc/philox_stream.hpp"
#include "modesweep/model/exact_loss.hpp"

namespace modesweep::mc {

std::optional<std::string> token_simulation_problem(const model::ModelPoint& p) {
  const double M = model::capacity_cutoff(p);
  if (std::isinf(M) || M > token_max_modes)
    return fmt::format("token-level simulation needs M = floor(c_N N^gamma) <= {:g}, got {:g}",
                       token_max_modes, M);
  if (!std::isinf(p.D) && p.D > token_max_tokens)
    return fmt::format("token-level simulation needs D <= {:g} or inf, got {:g}", token_max_tokens,
                       p.D);
  if (!std::isinf(p.tau) && p.tau > token_max_tokens)
    return fmt::format("token-level simulation needs tau <= {:g} or inf, got {:g}",
                       token_max_tokens, p.tau);
  if (std::isinf(p.D) && std::isinf(p.tau))
    return std::string("token-level simulation needs D or tau finite");
  return std::nullopt;
}

double simulate_tokens(const model::ModelPoint& p, Sampling sampling, std::uint64_t seed,
                       std::uint64_t point_index, std::uint64_t replica) {
  if (auto problem = token_simulation_problem(p)) throw std::invalid_argument(*problem);
  const auto M = static_cast<std::size_t>(model::capacity_cutoff(p));
  const double log_zeta = model::log_zeta(p.alpha);

  // Mode weights p_1..p_M, then "beyond M" (index M), as a cumulative table for inversion.
  std::vector<double> weight(M + 1), cumulative(M + 1), rate(M + 1, 0.0);
  for (std::size_t k = 1; k <= M; ++k) {
    weight[k - 1] = std::exp(-p.alpha * std::log(static_cast<double>(k)) - log_zeta);
    rate[k - 1] = std::min(1.0, p.learning_rate * std::pow(weight[k - 1], p.beta - 1.0));
  }
  weight[M] = std::exp(model::log_hurwitz_zeta(p.alpha, static_cast<double>(M) + 1.0) - log_zeta);
  double running = 0.0;
  for (std::size_t i = 0; i <= M; ++i) cumulative[i] = running += weight[i];

  PhiloxStream g(seed, point_index, replica);
  auto draw_mode = [&]() {  // index 0..M-1 = mode k-1, M = beyond the capacity
    const double u = g.uniform() * running;
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    return static_cast<std::size_t>(
        std::min<std::ptrdiff_t>(it - cumulative.begin(), static_cast<std::ptrdiff_t>(M)));
  };

  std::vector<double> residual(M + 1, 1.0);
  auto observe = [&](std::size_t mode) {
    if (mode < M) residual[mode] *= 1.0 - rate[mode];
  };
  if (std::isinf(p.D)) {  // fresh data: every step a new token
    for (double t = 0; t < p.tau; t += 1.0) observe(draw_mode());
  } else {
    std::vector<std::size_t> training(static_cast<std::size_t>(p.D));
    for (auto& token : training) token = draw_mode();
    if (std::isinf(p.tau)) {
      // Trained to convergence: every mode present in the training set is learned
      // (each of its tokens is seen infinitely often), MODEL.md 3.
      for (auto token : training)
        if (token < M) residual[token] = 0.0;
    } else if (sampling == Sampling::sequential) {
      const std::size_t D = training.size();
      for (std::size_t t = 0; t < static_cast<std::size_t>(p.tau); ++t) observe(training[t % D]);
    } else {
      const double D = p.D;
      for (double t = 0; t < p.tau; t += 1.0) {
        const auto i = static_cast<std::size_t>(std::min(std::floor(g.uniform() * D), D - 1.0));
        observe(training[i]);
      }
    }
  }
  double dL = weight[M];
  for (std::size_t k = 0; k < M; ++k) dL += weight[k] * residual[k];
  return dL;
}

}  // namespace modesweep::mc
