// The Kubernetes manifests (deploy/k8s/) and the GitHub Actions audit
// workflow (ci/templates/audit-matrix.yml) parse, carry what their engines
// need (an Indexed Job whose index is the shard, shards that agree in
// number, a merge after the shards), and every keyward command line they
// run names a command and options that `keyward COMMAND --help` lists.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>
#include <sstream>

#include "support/run.h"

namespace keyward {
namespace {

const std::string kSource = KEYWARD_SOURCE_DIR;

std::vector<YAML::Node> LoadAll(const std::string& rel) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAllFromFile(kSource + "/" + rel);
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << rel << ": " << e.what();
  }
  return docs;
}

void Strings(const YAML::Node& n, std::vector<std::string>* out) {
  if (n.IsScalar()) {
    out->push_back(n.as<std::string>());
  } else if (n.IsSequence() || n.IsMap()) {
    for (const auto& child : n) {
      if (n.IsMap()) {
        Strings(child.second, out);
      } else {
        Strings(child, out);
      }
    }
  }
}

// Every "keyward ..." command in the documents' strings (split at new
// lines, ';', '&&' and '|').
std::vector<std::string> KeywardCommands(const std::vector<YAML::Node>& docs) {
  std::vector<std::string> strings, out;
  for (const auto& d : docs) Strings(d, &strings);
  static const std::regex split(R"(\n|;|&&|\|)");
  for (const std::string& s : strings) {
    for (std::sregex_token_iterator it(s.begin(), s.end(), split, -1), end;
         it != end; ++it) {
      std::string part = *it;
      size_t b = part.find_first_not_of(" \t");
      if (b != std::string::npos && part.compare(b, 8, "keyward ") == 0) {
        out.push_back(part.substr(b));
      }
    }
  }
  return out;
}

// The command's subcommands exist and each --option is in their help.
void ExpectRunnable(const std::string& command) {
  SCOPED_TRACE(command);
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  ASSERT_GE(words.size(), 2u);
  std::vector<std::string> help_args = {words[1]};
  if (words[1] == "findings" && words.size() > 2) help_args.push_back(words[2]);
  help_args.push_back("--help");
  test::RunResult help = test::RunKeyward(help_args);
  ASSERT_EQ(help.exit_code, 0) << "no such command: " << help.err;
  for (const std::string& w : words) {
    if (w.rfind("--", 0) != 0) continue;
    std::string opt = w.substr(0, w.find('='));
    std::regex listed("(^|[ ,])" + opt + "([ ,=\n]|$)");
    EXPECT_TRUE(std::regex_search(help.out, listed))
        << opt << " is not an option of keyward " << words[1];
  }
}

TEST(DeployManifestsTest, KubernetesIndexedJobAndMergeJob) {
  auto audit = LoadAll("deploy/k8s/audit-job.yaml");
  YAML::Node job;
  for (const auto& d : audit) {
    if (d["kind"] && d["kind"].as<std::string>() == "Job") job = d;
  }
  ASSERT_TRUE(job) << "no Job in audit-job.yaml";
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  const YAML::Node spec = job["spec"];
  EXPECT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  const int completions = spec["completions"].as<int>();
  EXPECT_GE(completions, 1);
  EXPECT_EQ(spec["parallelism"].as<int>(), completions);
  const YAML::Node pod = spec["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
  const YAML::Node c = pod["containers"][0];
  ASSERT_TRUE(c["image"]);
  std::string shards;
  for (const auto& e : c["env"]) {
    if (e["name"].as<std::string>() == "SHARDS") {
      shards = e["value"].as<std::string>();
    }
  }
  EXPECT_EQ(shards, std::to_string(completions));
  auto commands = KeywardCommands(audit);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_NE(commands[0].find("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""),
            std::string::npos);
  // Results go to the shared volume the merge job reads.
  std::set<std::string> mounts;
  for (const auto& m : c["volumeMounts"]) {
    mounts.insert(m["mountPath"].as<std::string>());
  }
  EXPECT_TRUE(mounts.count("/results"));
  EXPECT_NE(commands[0].find("--out /results/"), std::string::npos);
  ExpectRunnable(commands[0]);

  auto merge = LoadAll("deploy/k8s/merge-job.yaml");
  ASSERT_EQ(merge.size(), 1u);
  EXPECT_EQ(merge[0]["kind"].as<std::string>(), "Job");
  auto merge_commands = KeywardCommands(merge);
  ASSERT_EQ(merge_commands.size(), 1u);
  EXPECT_EQ(merge_commands[0].rfind("keyward merge --in /results/", 0), 0u);
  ExpectRunnable(merge_commands[0]);
}

TEST(DeployManifestsTest, GithubActionsMatrixFansOutAndMerges) {
  auto docs = LoadAll("ci/templates/audit-matrix.yml");
  ASSERT_EQ(docs.size(), 1u);
  const YAML::Node wf = docs[0];
  const int shards = std::stoi(wf["env"]["SHARDS"].as<std::string>());
  const YAML::Node matrix = wf["jobs"]["shard"]["strategy"]["matrix"]["shard"];
  ASSERT_TRUE(matrix.IsSequence());
  ASSERT_EQ(static_cast<int>(matrix.size()), shards);
  for (int i = 0; i < shards; ++i) EXPECT_EQ(matrix[i].as<int>(), i);
  EXPECT_EQ(wf["jobs"]["merge"]["needs"].as<std::string>(), "shard");
  auto commands = KeywardCommands(docs);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].rfind("keyward audit ", 0), 0u);
  EXPECT_NE(commands[0].find("--shard \"${{ matrix.shard }}/$SHARDS\""),
            std::string::npos);
  EXPECT_EQ(commands[1].rfind("keyward merge --in results", 0), 0u);
  for (const auto& c : commands) ExpectRunnable(c);
}

}  // namespace
}  // namespace keyward
