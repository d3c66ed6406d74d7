#include "modesweep/cli/run.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "modesweep/cli/compute_point_command.hpp"
#include "modesweep/cli/consistency_command.hpp"
#include "modesweep/cli/eval_command.hpp"
#include "modesweep/cli/frontier_command.hpp"
#include "modesweep/cli/info_command.hpp"
#include "modesweep/cli/merge_command.hpp"
#include "modesweep/cli/predict_command.hpp"
#include "modesweep/cli/run_command.hpp"
#include "modesweep/cli/show_command.hpp"
#include "modesweep/cli/submit_command.hpp"
#include "modesweep/cli/table_command.hpp"
#include "modesweep/cli/usage_error.hpp"
#include "modesweep/io/points_csv.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/version.hpp"

namespace modesweep::cli {

void print_error(std::ostream& err, std::string message) {
  for (char& ch : message) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  err << "error: " << message << '\n' << std::flush;
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "modesweep: the exact expected loss of the Zipf mode-learning model and the scaling laws "
      "it is claimed to follow (see MODEL.md).",
      "modesweep");
  app.footer(std::string("modesweep ") + modesweep::version +
             "; run 'modesweep <command> --help' for a command's options. Exit codes: 0 "
             "success; 2 bad input, a refused run or a results file that cannot be used; "
             "128 + N stopped by signal N; 1 any other failure.");
  app.set_version_flag("--version", fmt::format("modesweep {} (commit {})", modesweep::version,
                                                modesweep::git_commit));
  // At most one command. "None" is reported after parsing, so that an unknown argument is
  // named in the error rather than hidden behind "a subcommand is required".
  app.require_subcommand(0, 1);
  EvalCommand eval(app);
  PredictCommand predict(app);
  InfoCommand info(app);
  RunCommand run_sweep(app);
  ShowCommand show(app);
  MergeCommand merge(app);
  SubmitCommand submit(app);
  FrontierCommand frontier(app);
  ConsistencyCommand consistency(app);
  TableCommand table(app);
  ComputePointCommand compute_point(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help arrives as a "successful" ParseError; CLI11 prints it. Every real parse error
    // exits 2 (CLI11's own codes vary by error kind).
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e, out, err);
    }
    print_error(err, e.what());
    return exit_bad_input;
  }

  try {
    if (eval.selected()) return eval.run(out);
    if (predict.selected()) return predict.run(out);
    if (info.selected()) return info.run(out);
    if (run_sweep.selected()) return run_sweep.run(out, err);
    if (show.selected()) return show.run(out);
    if (merge.selected()) return merge.run(out, err);
    if (submit.selected()) return submit.run(out, err);
    if (frontier.selected()) return frontier.run(out);
    if (consistency.selected()) return consistency.run(out);
    if (table.selected()) return table.run(out, err);
    if (compute_point.selected()) return compute_point.run(out);
    print_error(err,
                "no command given: use run, submit, merge, show, eval, predict, frontier, "
                "consistency, table, compute-point or info");
    return exit_bad_input;
  } catch (const UsageError& e) {
    print_error(err, e.what());
    return exit_bad_input;
  } catch (const io::ResultsFileError& e) {
    print_error(err, e.what());
    return exit_bad_input;
  } catch (const io::PointsCsvError& e) {
    print_error(err, e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    print_error(err, e.what());
    return exit_failure;
  }
}

int run(int argc, const char* const* argv) { return run(argc, argv, std::cout, std::cerr); }

}  // namespace modesweep::cli
