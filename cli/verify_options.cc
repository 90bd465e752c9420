// `keyward scan --verify` (cli/verify_options.h).
#include "cli/verify_options.h"

#include <cstdlib>
#include <sstream>

#include "cli/commands.h"
#include "keyward/date.h"

namespace keyward::cli {

void AddVerifyOptions(CLI::App* cmd, VerifyArgs* args) {
  cmd->add_flag("--verify", args->verify,
                "Ask each provider whether the secrets found still work, "
                "with the rule's read-only check (off by default; in "
                "--staged only with `verify_staged: true` in .keyward.yaml)");
  cmd->add_option("--verify-jobs", args->jobs,
                  "Concurrent verification requests, 1 to 64")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--verify-rate", args->rate,
                  "Verification requests per second to one host (0: no "
                  "limit)")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_option("--verify-timeout", args->timeout_ms,
                  "Milliseconds one verification request may take")
      ->check(CLI::Range(100, 120000))
      ->capture_default_str();
  cmd->add_option("--verify-redirect", args->redirects,
                  "HOST=URL: send verification requests for HOST to URL "
                  "instead (tests, proxies); repeatable; also "
                  "$KEYWARD_VERIFY_REDIRECT");
  cmd->add_option("--verify-ca-file", args->ca_file,
                  "Also trust the CA certificates in FILE (PEM)");
  cmd->add_option("--verify-cache-ttl", args->cache_ttl,
                  "Seconds a verification result is reused from "
                  "$XDG_CACHE_HOME/keyward/verify.json (0: no cache)")
      ->check(CLI::Range(int64_t{0}, int64_t{90} * 24 * 3600))
      ->capture_default_str();
  cmd->add_flag("--fail-on-verified", args->fail_on_verified,
                "Exit 1 only when a finding is verified active (with "
                "--verify)");
}

Result<VerifyOptions> MakeVerifyOptions(const VerifyArgs& args) {
  VerifyOptions o;
  o.jobs = args.jobs;
  o.per_host_rate = args.rate;
  o.timeout_ms = args.timeout_ms;
  o.connect_timeout_ms = std::min(args.timeout_ms, 5000);
  o.ca_file = args.ca_file;
  std::vector<std::string> specs;
  if (const char* env = std::getenv("KEYWARD_VERIFY_REDIRECT")) {
    std::string list = env;
    for (char& c : list) {
      if (c == ',') c = ' ';
    }
    std::istringstream in(list);
    for (std::string s; in >> s;) specs.push_back(s);
  }
  specs.insert(specs.end(), args.redirects.begin(), args.redirects.end());
  for (const std::string& s : specs) {
    if (!AddVerifyRedirect(s, &o)) {
      return Status::InvalidArgument(
          "--verify-redirect expects HOST=URL with an http:// or https:// "
          "URL; got `" +
          s + "`");
    }
  }
  // Set by the test suite: nothing but a redirected host is ever contacted.
  if (const char* only = std::getenv("KEYWARD_VERIFY_ONLY_REDIRECTED")) {
    o.allow_only_redirected = *only != '\0';
  }
  if (args.cache_ttl > 0) {
    o.cache_path = DefaultVerifyCachePath();
    o.cache_ttl_seconds = args.cache_ttl;
  }
  o.today = SystemClock().Today();
  o.warn = [](const std::string& msg) { Warn(msg); };
  return o;
}

Status RunVerifyIfAsked(const VerifyArgs& args, const Config& config,
                        bool staged, const RuleSet& rules, ScanResult* result) {
  if (!args.verify) {
    if (args.fail_on_verified) {
      return Status::InvalidArgument("--fail-on-verified needs --verify");
    }
    return Status::OK();
  }
  if (staged && !config.verify_staged) {
    Warn(
        "--verify is off in --staged unless .keyward.yaml says "
        "`verify_staged: true`");
    return Status::OK();
  }
  auto options = MakeVerifyOptions(args);
  if (!options.ok()) return options.status();
  return VerifyFindings(rules, &result->findings, *options);
}

bool AnyVerifiedActive(const ScanResult& result) {
  for (const Finding& f : result.findings) {
    if (!f.suppressed && f.verification && f.verification->status == "active")
      return true;
  }
  return false;
}

}  // namespace keyward::cli
