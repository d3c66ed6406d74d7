// Runs the real `modesweep` binary: exit codes, one-line errors, --help, JSON and CSV output.
// MODESWEEP_BINARY and MODESWEEP_PYTHON come from tests/CMakeLists.txt.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string temp_path(const std::string& name) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return testing::TempDir() + "modesweep_cli_" + info->name() + "_" + name;
}

// Runs `sh -c '<command>'` with stdout and stderr captured separately.
CommandResult shell(const std::string& command) {
  const std::string out = temp_path("stdout");
  const std::string err = temp_path("stderr");
  const std::string full = command + " >'" + out + "' 2>'" + err + "' </dev/null";
  const int raw = std::system(full.c_str());
  CommandResult run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = read_file(out);
  run.err = read_file(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return run;
}

CommandResult modesweep(const std::string& args) {
  return shell(std::string("'") + MODESWEEP_BINARY + "' " + args);
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  return result;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, sep);) fields.push_back(field);
  return fields;
}

// Bad input: status 2, nothing on stdout, exactly one line on stderr, starting "error: ".
void expect_bad_input(const CommandResult& run, const std::vector<std::string>& mentions) {
  EXPECT_EQ(run.status, 2) << run.err;
  EXPECT_EQ(run.out, "");
  const auto err_lines = lines(run.err);
  ASSERT_EQ(err_lines.size(), 1u) << run.err;
  EXPECT_EQ(err_lines[0].rfind("error: ", 0), 0u) << run.err;
  for (const std::string& mention : mentions) {
    EXPECT_NE(run.err.find(mention), std::string::npos)
        << "'" << mention << "' not in: " << run.err;
  }
}

// Loads `json` with Python's json module as `d` and runs `asserts` (Python statements) on it.
CommandResult check_json(const std::string& json, const std::string& asserts) {
  const std::string path = write_temp("check.json", json);
  const CommandResult run = shell(std::string(MODESWEEP_PYTHON) +
                                  " -c 'import json,sys; d=json.load(open(sys.argv[1])); " +
                                  asserts + "' '" + path + "'");
  std::remove(path.c_str());
  return run;
}

const std::string point_args = "--alpha 2 --beta 1 --gamma 1 --N 1e6 --D 1e9 --tau 1e7";

TEST(CliBadInput, AlphaOutOfRange) {
  const CommandResult run =
      modesweep("eval --alpha 0.5 --beta 1 --gamma 1 --N 1e6 --D 1e9 --tau 1e7");
  expect_bad_input(run, {});
  EXPECT_EQ(run.err, "error: --alpha = 0.5 is out of range: must be in (1, 10]\n");
}

TEST(CliBadInput, AlphaAtOne) {
  expect_bad_input(modesweep("eval --alpha 1 --beta 1 --gamma 1 --N 1 --D 1 --tau 1"),
                   {"--alpha = 1 ", "(1, 10]"});
}

TEST(CliBadInput, NegativeN) {
  expect_bad_input(modesweep("eval --alpha 2 --beta 1 --gamma 1 --N -5 --D 1 --tau 1"),
                   {"--N = -5", "[1, 1e24] or inf"});
  expect_bad_input(modesweep("eval --alpha 2 --beta 1 --gamma 1 --N=-5 --D 1 --tau 1"),
                   {"--N = -5", "[1, 1e24] or inf"});
}

TEST(CliBadInput, UnparsableNumber) {
  expect_bad_input(modesweep("eval --alpha 2 --beta 1 --gamma 1 --N 1 --D abc --tau 1"),
                   {"--D", "'abc' is not a number", "1e24 or inf"});
}

TEST(CliBadInput, OptionalConstantsOutOfRange) {
  expect_bad_input(modesweep("eval " + point_args + " --learning-rate 2"),
                   {"--learning-rate = 2", "(0, 1]"});
  expect_bad_input(modesweep("eval " + point_args + " --capacity-scale 0"),
                   {"--capacity-scale = 0", "(0, 1e3]"});
  expect_bad_input(modesweep("eval " + point_args + " --irreducible -1"),
                   {"--irreducible = -1", ">= 0"});
}

TEST(CliBadInput, UnknownOption) {
  expect_bad_input(modesweep("eval " + point_args + " --kappa 6"), {"--kappa"});
  expect_bad_input(modesweep("--frobnicate"), {"--frobnicate"});
}

TEST(CliBadInput, MissingOptionsAndCommand) {
  expect_bad_input(modesweep("eval --alpha 2 --beta 1 --gamma 1 --N 1 --D 1"), {"--tau"});
  expect_bad_input(modesweep("predict --alpha 2 --beta 1"), {"--gamma"});
  expect_bad_input(modesweep(""), {"no command given"});
  expect_bad_input(modesweep("frobnicate"), {"frobnicate"});
  expect_bad_input(modesweep("eval info"), {"info"});
  expect_bad_input(modesweep("eval --alpha"), {"--alpha"});
}

TEST(CliBadInput, PointsExcludesSinglePointOptions) {
  const std::string csv = write_temp("p.csv", "alpha,beta,gamma,N,D,tau\n2,1,1,1,1,1\n");
  expect_bad_input(modesweep("eval --points '" + csv + "' --alpha 2"), {"--points", "--alpha"});
  expect_bad_input(modesweep("eval --points '" + csv + "' --json"), {"--points", "--json"});
  std::remove(csv.c_str());
}

TEST(CliBadInput, PointsFileMissingColumn) {
  const std::string csv = write_temp("p.csv", "alpha,beta,gamma,N,D\n2,1,1,1,1\n");
  expect_bad_input(modesweep("eval --points '" + csv + "'"),
                   {csv, "line 1", "missing required column 'tau'"});
  std::remove(csv.c_str());
}

TEST(CliBadInput, PointsFileBadRows) {
  const std::string csv =
      write_temp("p.csv", "alpha,beta,gamma,N,D,tau\n2,1,1,1,1,1\n2,1,1,1,zz,1\n");
  expect_bad_input(modesweep("eval --points '" + csv + "'"),
                   {csv, "row 2 (line 3)", "column 'D'", "'zz' is not a number"});
  const std::string out_of_range = write_temp("q.csv", "alpha,beta,gamma,N,D,tau\n0.5,1,1,1,1,1\n");
  expect_bad_input(modesweep("eval --points '" + out_of_range + "'"),
                   {"row 1 (line 2)", "alpha = 0.5 is out of range: must be in (1, 10]"});
  const std::string short_row = write_temp("r.csv", "alpha,beta,gamma,N,D,tau\n2,1,1\n");
  expect_bad_input(modesweep("eval --points '" + short_row + "'"),
                   {"row 1 (line 2)", "expected 6 fields"});
  expect_bad_input(modesweep("eval --points /nonexistent/p.csv"), {"/nonexistent/p.csv"});
  std::remove(csv.c_str());
  std::remove(out_of_range.c_str());
  std::remove(short_row.c_str());
}

TEST(CliHelp, EveryCommandHasHelp) {
  for (const std::string args :
       {"--help", "eval --help", "predict --help", "info --help", "-h", "run --help",
        "merge --help", "submit --help", "show --help", "frontier --help", "consistency --help",
        "table --help", "compute-point --help"}) {
    const CommandResult run = modesweep(args);
    EXPECT_EQ(run.status, 0) << args;
    EXPECT_NE(run.out.find("Usage"), std::string::npos) << args << ": " << run.out;
    EXPECT_EQ(run.err, "") << args;
  }
  EXPECT_NE(modesweep("--help").out.find("eval"), std::string::npos);
  EXPECT_NE(modesweep("eval --help").out.find("--points"), std::string::npos);
}

TEST(CliInfo, ReportsVersionsAndParallelHdf5) {
  const CommandResult run = modesweep("info");
  EXPECT_EQ(run.status, 0) << run.err;
  for (const char* mention :
       {"modesweep", "commit", "Kokkos", "Serial", "MPI", "HDF5", "parallel: yes"}) {
    EXPECT_NE(run.out.find(mention), std::string::npos) << mention << " not in:\n" << run.out;
  }
}

TEST(CliPredict, TableAndJson) {
  const CommandResult table = modesweep("predict --alpha 2 --beta 1 --gamma 1");
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("a_N"), std::string::npos);
  const CommandResult json = modesweep("predict --alpha 3 --beta 2 --gamma 0.5 --json");
  EXPECT_EQ(json.status, 0) << json.err;
  const CommandResult check =
      check_json(json.out,
                 "assert abs(d[\"converged\"][\"N_opt_exponent\"] - 0.4) < 1e-15;"
                 " assert abs(d[\"fresh_data\"][\"dL_opt_exponent\"] + 0.25) < 1e-15;"
                 " [d[k] for k in (\"a_N\",\"a_D\",\"a_tau\",\"c_alpha\",\"time_constant\","
                 "\"capacity_constant\")]");
  EXPECT_EQ(check.status, 0) << check.err << json.out;
}

// The checks below need the exact evaluator (model/exact_loss.hpp).

TEST(CliEval, TableNamesEveryQuantity) {
  const CommandResult run = modesweep("eval " + point_args);
  EXPECT_EQ(run.status, 0) << run.err;
  for (const char* mention : {"loss", "dL", "eps_N", "eps_D", "eps_tau", "bottleneck", "theory"}) {
    EXPECT_NE(run.out.find(mention), std::string::npos) << mention << " not in:\n" << run.out;
  }
}

TEST(CliEval, UnderflowingLossIsPrintedFromItsLog) {
  // M = 1e240, alpha = 10: dL ~ 1e-2160, far below the double range.
  const CommandResult run =
      modesweep("eval --alpha 10 --beta 1 --gamma 10 --N 1e24 --D inf --tau inf");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("e-216"), std::string::npos) << run.out;
}

TEST(CliEval, JsonHasTheKeysAndParses) {
  const CommandResult run =
      modesweep("eval --alpha 2 --beta 1 --gamma 1 --N inf --D 1e9 --tau 1e7 --json");
  ASSERT_EQ(run.status, 0) << run.err;
  const std::string path = write_temp("eval.json", run.out);
  const CommandResult check =
      shell(std::string(MODESWEEP_PYTHON) +
            " -c 'import json,sys; d=json.load(open(sys.argv[1]));"
            " keys=\"loss dL eps_N eps_D eps_tau bottleneck log_dL log_eps_N log_eps_D log_eps_tau"
            " alpha beta gamma N D tau learning_rate capacity_scale irreducible theory\".split();"
            " missing=[k for k in keys if k not in d]; assert not missing, missing;"
            " assert d[\"N\"] == \"inf\", d[\"N\"]; assert d[\"eps_N\"] == 0;"
            " assert d[\"bottleneck\"] in (\"capacity\",\"data\",\"time\",\"none\")' '" +
            path + "'");
  EXPECT_EQ(check.status, 0) << check.err << run.out;
  std::remove(path.c_str());
}

TEST(CliEval, PointsWritesOneRowPerPointWithSeventeenDigits) {
  const std::string csv = write_temp(
      "p.csv",
      "tau,D,N,gamma,beta,alpha\n1e7,1e9,1e6,1,1,2\ninf,1e5,inf,1,1,1.5\n100,1e24,1e3,0.5,2,3\n");
  const CommandResult run = modesweep("eval --points '" + csv + "'");
  std::remove(csv.c_str());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const auto rows = lines(run.out);
  ASSERT_EQ(rows.size(), 4u) << run.out;
  EXPECT_EQ(rows[0],
            "alpha,beta,gamma,N,D,tau,learning_rate,capacity_scale,irreducible,dL,eps_N,eps_D,"
            "eps_tau,bottleneck");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto fields = split(rows[i], ',');
    ASSERT_EQ(fields.size(), 14u) << rows[i];
    EXPECT_EQ(fields[6], "0.10000000000000001");  // default learning_rate at 17 digits
    for (std::size_t f = 0; f < 13; ++f) {
      // Each number is exactly its own "%.17g" form.
      const double value = std::strtod(fields[f].c_str(), nullptr);
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", value);
      EXPECT_EQ(fields[f], text) << rows[i];
    }
  }
  EXPECT_EQ(split(rows[2], ',')[3], "inf");

  // The same point through the single-point JSON path gives the same dL digits.
  const CommandResult json = modesweep("eval " + point_args + " --json");
  const std::string dL = split(rows[1], ',')[9];
  EXPECT_NE(json.out.find("\"dL\": " + dL + ",\n"), std::string::npos) << dL << "\n" << json.out;
}

TEST(CliEval, MonteCarloJsonAgreesWithExactWithinItsErrorBars) {
  const CommandResult run = modesweep("eval " + point_args + " --mc 400 --seed 11 --json");
  ASSERT_EQ(run.status, 0) << run.err;
  const CommandResult check = check_json(
      run.out,
      "keys=\"mc_mean mc_stderr mc_q05 mc_q50 mc_q95 mc_replicas mc_seed mc_sampling\".split();"
      " missing=[k for k in keys if k not in d]; assert not missing, missing;"
      " assert d[\"mc_replicas\"] == 400 and d[\"mc_seed\"] == 11;"
      " assert d[\"mc_stderr\"] > 0; assert d[\"mc_q05\"] <= d[\"mc_q50\"] <= d[\"mc_q95\"];"
      " z = (d[\"mc_mean\"] - d[\"dL\"]) / d[\"mc_stderr\"]; assert abs(z) < 4, z");
  EXPECT_EQ(check.status, 0) << check.err << run.out;
  // The same seed gives the same bits; another seed other replicas.
  EXPECT_EQ(modesweep("eval " + point_args + " --mc 400 --seed 11 --json").out, run.out);
  EXPECT_NE(modesweep("eval " + point_args + " --mc 400 --seed 12 --json").out, run.out);
}

TEST(CliEval, MonteCarloTableAndPointsColumns) {
  const CommandResult table = modesweep("eval " + point_args + " --mc 50");
  ASSERT_EQ(table.status, 0) << table.err;
  for (const char* name : {"mc_mean", "mc_stderr", "mc_q05", "mc_q50", "mc_q95", "z = "}) {
    EXPECT_NE(table.out.find(name), std::string::npos) << name << "\n" << table.out;
  }
  const std::string csv = write_temp("p.csv",
                                     "alpha,beta,gamma,N,D,tau\n2,1,1,1e6,1e9,1e7\n"
                                     "1.5,1,1,1e4,inf,1e6\n");
  const CommandResult run = modesweep("eval --points '" + csv + "' --mc 50 --seed 3");
  ASSERT_EQ(run.status, 0) << run.err;
  const auto rows = lines(run.out);
  ASSERT_EQ(rows.size(), 3u) << run.out;
  EXPECT_EQ(rows[0],
            "alpha,beta,gamma,N,D,tau,learning_rate,capacity_scale,irreducible,dL,eps_N,eps_D,"
            "eps_tau,bottleneck,mc_mean,mc_stderr,mc_q05,mc_q50,mc_q95");
  // Row i is keyed by index i: the first row equals the single point with --seed 3.
  const CommandResult single = modesweep("eval " + point_args + " --mc 50 --seed 3 --json");
  const std::string mean = split(rows[1], ',')[14];
  EXPECT_NE(single.out.find("\"mc_mean\": " + mean + ",\n"), std::string::npos) << mean << "\n"
                                                                                << single.out;
  // Row 1 has M = 1e6 with D and tau finite: with-replacement cannot sample it.
  expect_bad_input(modesweep("eval --points '" + csv + "' --mc 50 --sampling with-replacement"),
                   {"row 1", "with-replacement", "100000"});
  std::remove(csv.c_str());
}

TEST(CliBadInput, MonteCarloOptions) {
  expect_bad_input(modesweep("eval " + point_args + " --mc 1"), {"--mc", "2"});
  expect_bad_input(modesweep("eval " + point_args + " --mc abc"), {"--mc"});
  expect_bad_input(modesweep("eval " + point_args + " --seed 4"), {"--seed", "--mc"});
  expect_bad_input(modesweep("eval " + point_args + " --sampling with-replacement"),
                   {"--sampling", "--mc"});
  expect_bad_input(modesweep("eval --alpha 2 --beta 1 --gamma 1 --N 1e6 --D 1000.5 --tau 1e4 "
                             "--mc 5"),
                   {"--D", "1000.5", "whole number of tokens"});
  expect_bad_input(modesweep("eval " + point_args + " --mc 5 --seed 9223372036854775808"),
                   {"--seed"});
  expect_bad_input(modesweep("eval " + point_args + " --mc 5 --sampling shuffled"),
                   {"--sampling", "with-replacement"});
  expect_bad_input(modesweep("eval --alpha 2 --beta 1 --gamma 1 --N 1e7 --D 1e3 --tau 1e4 --mc 5 "
                             "--sampling with-replacement"),
                   {"with-replacement", "100000"});
}

}  // namespace

// --- run and show (single rank, without mpirun: MPI starts as a singleton) -------------------

namespace {

const char* const small_spec = R"([sweep]
chunk_points = 7
[axes]
alpha = [1.5, 2.5]
beta = 1.0
gamma = 1.0
N = {logspace = [1e2, 1e6, 5], with_inf = true}
D = [1e4, inf]
tau = [1e5, inf]
)";

}  // namespace

TEST(CliRun, MalformedSpecIsOneLineWithFileLineAndKey) {
  const std::string spec = write_temp("bad.toml", std::string(small_spec) + "\n[extra]\nx = 1\n");
  const std::string out = temp_path("bad.h5");
  const CommandResult run = modesweep("run '" + spec + "' --out '" + out + "'");
  expect_bad_input(run, {spec + ":11:2: extra: unknown key"});
  EXPECT_FALSE(std::ifstream(out).good()) << "a refused spec must not leave a file";
}

TEST(CliRun, OutOfDomainAxisValueNamesRangeAndPosition) {
  std::string text = small_spec;
  text.replace(text.find("[1.5, 2.5]"), 10, "[1.5, 0.5]");
  const std::string spec = write_temp("domain.toml", text);
  expect_bad_input(modesweep("run '" + spec + "' --out '" + temp_path("x.h5") + "'"),
                   {":4:15: axes.alpha[1]:", "must be in (1, 10]"});
}

TEST(CliRun, MissingSpecFileAndConflictingFlagsAreBadInput) {
  expect_bad_input(modesweep("run /nonexistent/spec.toml"), {"spec"});
  const std::string spec = write_temp("ok.toml", small_spec);
  expect_bad_input(modesweep("run '" + spec + "' --resume --force"), {"--resume", "--force"});
}

TEST(CliRun, GridOverMaxPointsIsRefused) {
  const std::string spec = write_temp("big.toml", small_spec);
  expect_bad_input(modesweep("run '" + spec + "' --max-points 10"),
                   {"axes", "48 points", "--max-points"});
}

TEST(CliRun, CountAndIntervalOptionsNameTheirRange) {
  const std::string spec = write_temp("counts.toml", small_spec);
  const std::string whole = "must be a whole number from 1 to 18446744073709551615";
  const std::string out = temp_path("counts.h5");
  std::remove(out.c_str());
  const auto run = [&](const std::string& option) {
    return modesweep("run '" + spec + "' --out '" + out + "' --dry-run " + option);
  };
  expect_bad_input(run("--max-points 0"), {"--max-points: 0 is out of range: " + whole});
  expect_bad_input(run("--max-points 2.5"), {"--max-points: 2.5 is out of range"});
  expect_bad_input(run("--max-points 1e30"), {"--max-points: 1e30 is out of range"});
  expect_bad_input(run("--max-points 99999999999999999999"), {"is out of range: " + whole});
  expect_bad_input(run("--max-points abc"), {"'abc' is not a number"});
  // 1e9 notation, as in specs, read exactly (not through a double: 1e16 is 10^16, and a
  // fraction too small for a double to keep is still a fraction)
  EXPECT_EQ(run("--max-points 1e2").status, 0);
  EXPECT_EQ(run("--max-points 1e16").status, 0);
  expect_bad_input(run("--max-points 4e1"), {"48 points", "--max-points = 40"});
  expect_bad_input(run("--max-points 4.7e1"), {"48 points", "--max-points = 47"});
  expect_bad_input(run("--max-points 1.0000000000000001"), {"is out of range: " + whole});
  expect_bad_input(run("--max-points 2e19"), {"is out of range: " + whole});
  for (const char* interval : {"0", "-1", "nan", "inf"}) {
    expect_bad_input(run(std::string("--progress-interval ") + interval),
                     {"--progress-interval", "must be a finite number > 0"});
  }
  expect_bad_input(modesweep("merge '" + spec + "' --shards 0"), {"--shards: 0", whole});
}

TEST(CliHelp, VersionFlagPrintsVersionAndCommit) {
  const CommandResult run = modesweep("--version");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out.rfind("modesweep ", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("(commit "), std::string::npos) << run.out;
}

TEST(CliRun, RunsShowsRefusesExistingAndResumesComplete) {
  const std::string spec = write_temp("ok.toml", small_spec);
  const std::string out = temp_path("ok.h5");
  std::remove(out.c_str());
  const CommandResult first = modesweep("run '" + spec + "' --out '" + out + "' -q");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.out.find("complete, 48 points"), std::string::npos) << first.out;

  const CommandResult show = modesweep("show '" + out + "'");
  ASSERT_EQ(show.status, 0) << show.err;
  EXPECT_NE(show.out.find("status      complete"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("alpha 2 x beta 1 x D 2 x tau 2 x gamma 1 x N 6"), std::string::npos)
      << show.out;
  // the single-resource losses span only the axes they depend on (io/results_file.hpp)
  EXPECT_NE(show.out.find("datasets    dL, eps_N (alpha x gamma x N), eps_D (alpha x D), "
                          "eps_tau (alpha x beta x tau), bottleneck\n"),
            std::string::npos)
      << show.out;
  const CommandResult json = modesweep("show --json '" + out + "'");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"complete\": true"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"chunks_total\": 7"), std::string::npos) << json.out;

  expect_bad_input(modesweep("run '" + spec + "' --out '" + out + "'"), {"exists", "--resume"});
  // ... also as a dry run, which says what the run would do
  expect_bad_input(modesweep("run '" + spec + "' --out '" + out + "' --dry-run"),
                   {"exists", "--resume"});
  const std::string complete_bytes = read_file(out);
  const CommandResult again = modesweep("run '" + spec + "' --out '" + out + "' --resume");
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("already complete"), std::string::npos) << again.out;
  EXPECT_TRUE(read_file(out) == complete_bytes) << "nothing to do, yet the file changed";
  // a resume's dry run makes the resume's checks: here, a whole-grid file under a shard's name
  const std::string shard_file = out.substr(0, out.size() - 3) + ".shard-0-of-2.h5";
  std::filesystem::copy_file(out, shard_file, std::filesystem::copy_options::overwrite_existing);
  expect_bad_input(
      modesweep("run '" + spec + "' --out '" + out + "' --shard 0/2 --resume --dry-run"),
      {shard_file, "holds the whole grid, not shard 0/2"});
  const CommandResult dry = modesweep("run '" + spec + "' --out '" + out + "' --resume --dry-run");
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("resume: 7 of 7 chunks done, 0 to compute"), std::string::npos) << dry.out;
  std::remove(shard_file.c_str());
  EXPECT_EQ(modesweep("run '" + spec + "' --out '" + out + "' --force -q").status, 0);
}

TEST(CliRun, RefusesOutputPathsThatCannotHoldResults) {
  const std::string spec = write_temp("paths.toml", small_spec);
  // the spec itself, even with --force: it would be overwritten by the results
  expect_bad_input(modesweep("run '" + spec + "' --out '" + spec + "' --force"),
                   {spec, "is the spec file itself"});
  EXPECT_EQ(read_file(spec), small_spec);
  // a directory, with or without --force
  const std::string dir = temp_path("paths-dir");
  std::filesystem::create_directories(dir);
  expect_bad_input(modesweep("run '" + spec + "' --out '" + dir + "'"), {dir, "is a directory"});
  expect_bad_input(modesweep("run '" + spec + "' --out '" + dir + "' --force"),
                   {dir, "is a directory"});
  // a directory by its trailing slash, and a shard's output named as a directory
  expect_bad_input(modesweep("run '" + spec + "' --out '" + dir + "-new/' --dry-run"),
                   {dir + "-new/", "is a directory"});
  expect_bad_input(modesweep("run '" + spec + "' --out '" + dir + "' --shard 0/2 --dry-run"),
                   {dir, "is a directory"});
  EXPECT_FALSE(std::filesystem::exists(dir + "-new"));
  // under a file
  expect_bad_input(modesweep("run '" + spec + "' --out '" + spec + "/x.h5'"),
                   {spec, "is not a directory"});
  // a spec path that is a directory
  expect_bad_input(modesweep("run '" + dir + "'"), {dir, "is a directory, not a spec file"});
  // a dry run creates no directory
  const CommandResult dry = modesweep("run '" + spec + "' --out '" + dir + "/new/x.h5' --dry-run");
  EXPECT_EQ(dry.status, 0) << dry.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/new"));
  std::filesystem::remove_all(dir);
}

TEST(CliRun, MonteCarloOnlyFilesHoldTheMcDatasets) {
  std::string text = small_spec;
  text.replace(text.find("chunk_points = 7"), 16,
               "chunk_points = 7\nmode = \"mc\"\nreplicas = 8\nseed = 5");
  const std::string spec = write_temp("mc.toml", text);
  const std::string out = temp_path("mc.h5");
  std::remove(out.c_str());
  const CommandResult run = modesweep("run '" + spec + "' --out '" + out + "' -q");
  ASSERT_EQ(run.status, 0) << run.err;
  const CommandResult show = modesweep("show '" + out + "'");
  EXPECT_NE(show.out.find("datasets    mc_mean, mc_stderr, mc_q05, mc_q50, mc_q95\n"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("monte carlo 8 replicas per point, seed 5, sequential sampling"),
            std::string::npos)
      << show.out;
  // No exact dL in the file: the grid envelope says what to do instead.
  expect_bad_input(modesweep("frontier '" + out + "' --budget converged"), {"mode", "both"});
  std::remove(out.c_str());
}

TEST(CliRun, DryRunComputesNothing) {
  const std::string spec = write_temp("dry.toml", small_spec);
  const std::string out = temp_path("dry.h5");
  const CommandResult run = modesweep("run '" + spec + "' --out '" + out + "' --dry-run");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("dry run: 48 points"), std::string::npos) << run.out;
  // 48 points x (dL 8 + bottleneck 1 bytes) + eps_N over alpha, gamma, N (2 x 1 x 6) + eps_D
  // over alpha, D (2 x 2) + eps_tau over alpha, beta, tau (2 x 1 x 2), 8 bytes each: 592 bytes,
  // and 2 + 1 + 2 + 2 + 1 + 6 coordinates, 8 bytes each: 704 bytes
  EXPECT_NE(run.out.find("(about 0.000704 MB)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("estimated time"), std::string::npos) << run.out;
  EXPECT_FALSE(std::ifstream(out).good());
}

TEST(CliRun, DryRunSizeCountsWholeStorageChunks) {
  const std::string spec = write_temp("padded.toml", R"([sweep]
chunk_points = 65536
[axes]
alpha = 1.5
beta = 1.0
gamma = [0.5, 0.75, 1.0]
N = {logspace = [1e2, 1e8, 30000]}
D = 1e6
tau = inf
)");
  const std::string out = temp_path("padded.h5");
  std::remove(out.c_str());
  // Storage chunks take the trailing axes first, up to 65,536 elements (results_file.cpp):
  // N whole (30,000), then 2 of the 3 gammas, so gamma is allocated as 4. dL (8 bytes) and
  // bottleneck (1) over 4 x 30,000, eps_N (8) over alpha x gamma x N, the same 4 x 30,000;
  // eps_D and eps_tau one value each: 120,000 x 17 + 16 = 2,040,016 bytes, where the values
  // alone take 90,000 x 17 + 16 = 1,530,016; and the coordinates, 30,007 doubles (240,056
  // bytes): 2,280,072 bytes.
  const CommandResult dry = modesweep("run '" + spec + "' --out '" + out + "' --dry-run");
  ASSERT_EQ(dry.status, 0) << dry.err;
  EXPECT_NE(dry.out.find("(about 2.28 MB)"), std::string::npos) << dry.out;
  const CommandResult run = modesweep("run '" + spec + "' --out '" + out + "' -q");
  ASSERT_EQ(run.status, 0) << run.err;
  // the file: that data plus its metadata (attributes, spec text, chunk indexes, flags)
  const auto size = std::filesystem::file_size(out);
  EXPECT_GE(size, 2280072u);
  EXPECT_LE(size, 2280072u + 100000u);
  std::remove(out.c_str());
}

TEST(CliShow, NonResultsFilesAreBadInput) {
  const std::string text = write_temp("text.h5", "not hdf5\n");
  expect_bad_input(modesweep("show '" + text + "'"), {"not an HDF5 file"});
  expect_bad_input(modesweep("show /nonexistent.h5"), {"file"});
}

namespace frontier_cli {

// The frontier CSV has the issue's columns and parses as numbers; JSON parses and carries the
// theory beside the points; consistency round-trips a known case.
TEST(CliFrontier, CsvJsonAndTable) {
  const CommandResult csv = modesweep(
      "frontier --alpha 1.5 --beta 1 --gamma 1 --budget converged --C-min 1e8 --C-max 1e12 "
      "--points 5 --csv");
  ASSERT_EQ(csv.status, 0) << csv.err;
  const auto rows = lines(csv.out);
  ASSERT_EQ(rows.size(), 6u) << csv.out;
  EXPECT_EQ(rows[0], "C,N_opt,D_opt,tau_opt,dL_opt,slope_N,slope_L");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto fields = split(rows[i], ',');
    ASSERT_EQ(fields.size(), 7u) << rows[i];
    EXPECT_EQ(fields[3], "inf");  // converged: tau = inf
    for (const auto& f : fields) EXPECT_NO_THROW((void)std::stod(f)) << f;
  }
  EXPECT_EQ(split(rows[1], ',')[0], "100000000");
  EXPECT_EQ(split(rows[5], ',')[0], "1000000000000");

  const CommandResult json = modesweep(
      "frontier --alpha 2 --beta 1 --gamma 0.5 --budget fresh-data --C-min 1e10 --C-max 1e14 "
      "--points 3 --json");
  ASSERT_EQ(json.status, 0) << json.err;
  const CommandResult check =
      check_json(json.out,
                 "p=d[\"points\"]; assert len(p) == 3 and d[\"budget\"] == \"fresh-data\";"
                 " assert abs(d[\"theory\"][\"slope_N\"] - 0.5) < 1e-15;"
                 " assert all(x[\"D_opt\"] == \"inf\" for x in p);"
                 " assert abs(d[\"fitted\"][\"slope_L\"] + 0.25) < 0.01");
  EXPECT_EQ(check.status, 0) << check.err << json.out;

  const CommandResult table = modesweep(
      "frontier --alpha 1.5 --beta 1 --gamma 1 --budget single-epoch --C-min 1e8 --C-max 1e9 "
      "--points 2");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("no claim"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("least-squares fit"), std::string::npos) << table.out;
}

TEST(CliFrontier, BadInputIsOneLine) {
  const std::string base = "frontier --alpha 1.5 --beta 1 --gamma 1 ";
  expect_bad_input(modesweep(base + "--budget converged --C-min 1 --C-max 1e9"), {"--C-min"});
  expect_bad_input(modesweep(base + "--budget converged --C-min 1e9 --C-max 1e8"), {"--C-max"});
  expect_bad_input(modesweep(base + "--budget chinchilla --C-min 1e8 --C-max 1e9"), {"--budget"});
  expect_bad_input(modesweep(base + "--budget data-constrained --C-min 1e8 --C-max 1e9"),
                   {"--unique-tokens", "[1, 1e24]"});
  expect_bad_input(
      modesweep("frontier --alpha 0.5 --beta 1 --gamma 1 --budget converged --C-min 1e8 "
                "--C-max 1e9"),
      {"--alpha", "(1, 10]"});
  expect_bad_input(modesweep(base + "--budget converged --C-min abc --C-max 1e9"), {"abc"});
}

TEST(CliConsistency, VerdictsAndBadInput) {
  // alpha = 1.5, beta = 1, gamma = 1: a_N = 0.5, a_D = a_tau = 1/3, frontier exponent 0.2.
  const std::string exponents =
      "consistency --a-N 0.5 --a-D 0.3333333333333333 --a-tau "
      "0.3333333333333333 ";
  const CommandResult ok = modesweep(exponents + "--a-opt 0.2");
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("alpha = 1.5, beta = 1, gamma = 1"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("verdict     consistent"), std::string::npos) << ok.out;
  const CommandResult off = modesweep(exponents + "--a-opt 0.25");
  EXPECT_NE(off.out.find("INCONSISTENT"), std::string::npos) << off.out;
  const CommandResult domain = modesweep("consistency --a-N 0.5 --a-D 0.95 --a-tau 0.3");
  EXPECT_NE(domain.out.find("alpha = 20"), std::string::npos) << domain.out;
  expect_bad_input(modesweep("consistency --a-N 0.5 --a-D 1.5 --a-tau 0.3"), {"--a-D", "(0, 1)"});
  expect_bad_input(modesweep("consistency --a-N -1 --a-D 0.5 --a-tau 0.3"), {"--a-N"});
}

}  // namespace frontier_cli
