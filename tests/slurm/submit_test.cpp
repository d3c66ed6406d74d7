// Rendering the slurm/ job scripts: Slurm's time formats, header and variable rewriting, and
// that every rendered script is still valid bash built from the committed templates.
#include "modesweep/slurm/submit.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "modesweep/slurm_templates.hpp"

namespace {

namespace slurm = modesweep::slurm;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// True when `bash -n` accepts the script (syntax only; nothing runs).
bool bash_accepts(const std::string& script, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("modesweep_submit_test_" + name);
  std::ofstream(path) << script;
  const int status = std::system(("bash -n '" + path.string() + "' 2>/dev/null").c_str());
  std::filesystem::remove(path);
  return status == 0;
}

slurm::JobOptions options() {
  slurm::JobOptions o;
  o.results = "/scratch/me/results/llm.h5";
  o.spec_path = "/home/me/jobs/llm.toml";
  o.job_name = "modesweep-llm";
  o.job_dir = "/scratch/me/results/llm.slurm";
  o.modesweep = "/opt/modesweep/bin/modesweep";
  o.ntasks = 64;
  o.nodes = 2;
  o.time = "12:00:00";
  o.warn_seconds = 600;
  return o;
}

// Slurm's formats (sbatch(1), --time): M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
TEST(TimeLimit, SlurmFormats) {
  EXPECT_EQ(slurm::time_limit_seconds("30"), 30u * 60);
  EXPECT_EQ(slurm::time_limit_seconds("1"), 60u);
  EXPECT_EQ(slurm::time_limit_seconds("5:30"), 5u * 60 + 30);
  EXPECT_EQ(slurm::time_limit_seconds("01:00:00"), 3600u);
  EXPECT_EQ(slurm::time_limit_seconds("48:00:00"), 48u * 3600);
  EXPECT_EQ(slurm::time_limit_seconds("2-0"), 2u * 86400);
  EXPECT_EQ(slurm::time_limit_seconds("1-12"), 86400u + 12 * 3600);
  EXPECT_EQ(slurm::time_limit_seconds("1-2:30"), 86400u + 2 * 3600 + 30 * 60);
  EXPECT_EQ(slurm::time_limit_seconds("3-04:05:06"), 3u * 86400 + 4 * 3600 + 5 * 60 + 6);
  for (const char* bad : {"", "0", "00:00:00", "abc", "1:2:3:4", "-1", "1-", "1--2", "1:", ":5",
                          "1.5", "infinite", "UNLIMITED", "1-2-3", "1 h", "9999999999"}) {
    EXPECT_FALSE(slurm::time_limit_seconds(bad).has_value()) << bad;
  }
}

TEST(JobOptions, RefusalsNameTheOption) {
  auto expect_refused = [](slurm::JobOptions o, const std::string& option) {
    try {
      slurm::check_job_options(o);
      ADD_FAILURE() << "accepted; expected a refusal naming " << option;
    } catch (const slurm::SubmitError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(option + ":", 0), 0u) << e.what();
    }
  };
  EXPECT_NO_THROW(slurm::check_job_options(options()));
  slurm::JobOptions o = options();
  o.time = "1h";
  expect_refused(o, "--time");
  o = options();
  o.time = "10";  // 600 s: no room for a 600 s warning
  expect_refused(o, "--warn-seconds");
  o.warn_seconds = 599;
  EXPECT_NO_THROW(slurm::check_job_options(o));
  o.warn_seconds = 0;
  expect_refused(o, "--warn-seconds");
  o = options();
  o.ntasks = 1;
  expect_refused(o, "--ntasks");
  o = options();
  o.partition = "gpu; rm -rf ~";
  expect_refused(o, "--partition");
  o = options();
  o.account = "proj$(id)";
  expect_refused(o, "--account");
  o = options();
  o.time = "2-0";
  o.warn_seconds = 65536;  // Slurm's --signal limit, though below the 48 h time limit
  expect_refused(o, "--warn-seconds");
  o.warn_seconds = 65535;
  EXPECT_NO_THROW(slurm::check_job_options(o));
  o = options();
  o.merge_time = "soon";
  expect_refused(o, "--merge-time");
  for (const char* dir : {"/scratch/my results/x.slurm", "/scratch/run%j", "/a\nb", "/a#b"}) {
    o = options();
    o.job_dir = dir;
    expect_refused(o, "--job-dir");
  }
}

TEST(SbatchOption, ReplacesOrAppendsAfterTheHeader) {
  const std::string script =
      "#!/bin/bash\n#SBATCH --ntasks=2\n#SBATCH --time=01:00:00\nset -u\necho hi\n";
  EXPECT_EQ(slurm::set_sbatch_option(script, "ntasks", "64"),
            "#!/bin/bash\n#SBATCH --ntasks=64\n#SBATCH --time=01:00:00\nset -u\necho hi\n");
  EXPECT_EQ(slurm::set_sbatch_option(script, "partition", "gpu"),
            "#!/bin/bash\n#SBATCH --ntasks=2\n#SBATCH --time=01:00:00\n#SBATCH "
            "--partition=gpu\nset -u\necho hi\n");
  // --ntasks must not match --ntasks-per-node
  const std::string per_node = "#!/bin/bash\n#SBATCH --ntasks-per-node=4\n";
  EXPECT_EQ(slurm::set_sbatch_option(per_node, "ntasks", "8"),
            "#!/bin/bash\n#SBATCH --ntasks-per-node=4\n#SBATCH --ntasks=8\n");
  EXPECT_THROW(slurm::set_sbatch_option("#!/bin/bash\necho\n", "ntasks", "2"), std::logic_error);
}

// A rendered value is fixed: an exported MODESWEEP must not override --binary.
TEST(SetVariable, ReplacesTheWholeAssignment) {
  const std::string script = "#!/bin/bash\nmodesweep=${MODESWEEP:-modesweep}\nx=1\n";
  EXPECT_EQ(slurm::set_variable(script, "modesweep", "/opt/bin/modesweep"),
            "#!/bin/bash\nmodesweep=/opt/bin/modesweep\nx=1\n");
  EXPECT_EQ(slurm::set_variable(script, "modesweep", "/my dir/it's"),
            "#!/bin/bash\nmodesweep='/my dir/it'\\''s'\nx=1\n");
  EXPECT_THROW(slurm::set_variable(script, "missing", "1"), std::logic_error);
}

TEST(JobName, OnlySafeCharacters) {
  EXPECT_EQ(slurm::job_name_text("modesweep-llm_v2.1"), "modesweep-llm_v2.1");
  EXPECT_EQ(slurm::job_name_text("a b/c#d\n%e$(f)"), "a_b_c_d__e__f_");
}

// The embedded templates are the committed files, byte for byte.
TEST(Templates, AreTheCommittedScripts) {
  const std::string dir = std::string(MODESWEEP_SOURCE_DIR) + "/slurm/";
  EXPECT_EQ(slurm::templates::sweep_sbatch, read_file(dir + "sweep.sbatch"));
  EXPECT_EQ(slurm::templates::merge_sbatch, read_file(dir + "merge.sbatch"));
  EXPECT_EQ(slurm::templates::report_sbatch, read_file(dir + "report.sbatch"));
  EXPECT_EQ(slurm::templates::pipeline_sh, read_file(dir + "pipeline.sh"));
}

TEST(RenderPipeline, SetsTheOptionsAndStaysValidBash) {
  slurm::JobOptions o = options();
  o.partition = "gpu";
  o.account = "proj42";
  o.modesweep = "/opt/my tools/modesweep";  // needs quoting
  for (std::uint64_t shards : {0u, 16u}) {
    o.shards = shards;
    const auto scripts = slurm::render_pipeline(o);
    ASSERT_EQ(scripts.size(), shards > 0 ? 4u : 3u);
    for (const auto& s : scripts) {
      EXPECT_TRUE(bash_accepts(s.text, s.file_name)) << s.file_name << "\n" << s.text;
      if (s.file_name == "pipeline.sh") continue;
      EXPECT_NE(s.text.find("\n#SBATCH --partition=gpu\n"), std::string::npos) << s.file_name;
      EXPECT_NE(s.text.find("\n#SBATCH --account=proj42\n"), std::string::npos) << s.file_name;
      EXPECT_NE(s.text.find("\n#SBATCH --output=/scratch/me/results/llm.slurm/%x-%j.out\n"),
                std::string::npos);
      EXPECT_NE(s.text.find("\nmodesweep='/opt/my tools/modesweep'\n"), std::string::npos);
    }
    for (const auto& s : scripts) {
      // the marker right after the shebang: submit overwrites only files it rendered
      const std::size_t second_line = s.text.find('\n') + 1;
      EXPECT_EQ(s.text.compare(second_line, slurm::rendered_marker.size(), slurm::rendered_marker),
                0)
          << s.file_name;
    }
    const std::string& sweep = scripts[0].text;
    EXPECT_EQ(scripts[0].file_name, "sweep.sbatch");
    EXPECT_NE(sweep.find("\n#SBATCH --ntasks=64\n"), std::string::npos);
    EXPECT_NE(sweep.find("\n#SBATCH --nodes=2\n"), std::string::npos);
    EXPECT_NE(sweep.find("\n#SBATCH --time=12:00:00\n"), std::string::npos);
    EXPECT_NE(sweep.find("\n#SBATCH --signal=B:USR1@600\n"), std::string::npos);
    EXPECT_NE(sweep.find("\nwarn_seconds=600\n"), std::string::npos);
    if (shards > 0) {
      EXPECT_EQ(scripts[1].file_name, "merge.sbatch");
      EXPECT_NE(scripts[1].text.find("\n#SBATCH --time=01:00:00\n"), std::string::npos);
    }
    EXPECT_NE(sweep.find("\n#SBATCH --job-name=modesweep-llm-sweep\n"), std::string::npos);
    // each option once
    EXPECT_EQ(sweep.find("#SBATCH --ntasks="), sweep.rfind("#SBATCH --ntasks="));
    EXPECT_EQ(sweep.find("#SBATCH --time="), sweep.rfind("#SBATCH --time="));
  }
  EXPECT_EQ(slurm::pipeline_command(o),
            "bash /scratch/me/results/llm.slurm/pipeline.sh /home/me/jobs/llm.toml "
            "/scratch/me/results/llm.h5 16");
}

TEST(ParseSubmitted, StagesAndIds) {
  const auto jobs = slurm::parse_submitted("sweep 12\nmerge 13\nreport 14\n");
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].stage, "sweep");
  EXPECT_EQ(jobs[0].job_id, "12");
  EXPECT_EQ(jobs[2].job_id, "14");
  EXPECT_THROW(slurm::parse_submitted(""), slurm::SubmitError);
  EXPECT_THROW(slurm::parse_submitted("sweep\n"), slurm::SubmitError);
  EXPECT_THROW(slurm::parse_submitted("Submitted batch job 12\n"), slurm::SubmitError);
  EXPECT_THROW(slurm::parse_submitted("sweep 12;cluster\n"), slurm::SubmitError);
}

}  // namespace
