// VerifyFindings, VerifySecret and option helpers (keyward/verify.h): the
// distinct secrets of a scan, each asked once, by a bounded pool of workers
// sharing one per-host rate limit, through the cache.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <optional>
#include <thread>

#include "keyward/date.h"
#include "keyward/verify.h"
#include "verify/verify_cache.h"
#include "verify/verify_request.h"

namespace keyward {
namespace {

struct Job {
  const VerifySpec* spec;
  const Finding* sample;  // the secret and identifier (owned by the caller)
  std::string cache_key;
  std::vector<size_t> findings;
  VerifyOutcome outcome;
};

}  // namespace

bool AddVerifyRedirect(const std::string& spec, VerifyOptions* options) {
  size_t eq = spec.find('=');
  if (eq == 0 || eq == std::string::npos) return false;
  std::string url = spec.substr(eq + 1);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return false;
  }
  options->redirects[spec.substr(0, eq)] = url;
  return true;
}

std::string DefaultVerifyCachePath() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/keyward/verify.json";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::string(home) + "/.cache/keyward/verify.json";
  return "";
}

VerifyOutcome VerifySecret(const VerifySpec& spec, const std::string& secret,
                           const std::string& id,
                           const VerifyOptions& options) {
  HostLimiter limiter;
  return RunVerification(spec, secret, id, options, &limiter);
}

Status VerifyFindings(const RuleSet& rules, std::vector<Finding>* findings,
                      const VerifyOptions& options) {
  if (options.jobs < 1 || options.jobs > 64) {
    return Status::InvalidArgument("--verify-jobs must be 1 to 64");
  }
  // One parsed spec per rule; one job per distinct (rule, id, secret).
  std::map<std::string, std::optional<VerifySpec>> specs;
  std::map<std::string, size_t> job_of;
  std::vector<Job> jobs;
  for (size_t i = 0; i < findings->size(); i++) {
    const Finding& f = (*findings)[i];
    if (f.suppressed) continue;
    auto [it, added] = specs.try_emplace(f.rule_id);
    if (added) {
      const Rule* rule = rules.Find(f.rule_id);
      if (rule && !rule->verify.empty()) {
        auto spec = ParseVerifySpec(rule->verify);
        if (spec.ok()) it->second = std::move(*spec);
      }
    }
    if (!it->second) continue;
    std::string key = VerifyCache::Key(f.rule_id, f.identifier, f.secret);
    auto [slot, fresh] = job_of.try_emplace(key, jobs.size());
    if (fresh) jobs.push_back(Job{&*it->second, &f, key, {}, {}});
    jobs[slot->second].findings.push_back(i);
  }
  if (jobs.empty()) return Status::OK();

  const double now = VerifyNow(options);
  const double ttl = static_cast<double>(options.cache_ttl_seconds);
  const std::string today =
      options.today.empty() ? SystemClock().Today() : options.today;
  VerifyCache cache;
  if (!options.cache_path.empty()) {
    cache = VerifyCache::Load(options.cache_path, options.warn);
  }
  std::vector<Job*> to_ask;
  std::map<const Job*, std::string> cached_date;
  for (Job& job : jobs) {
    if (auto hit = cache.Find(job.cache_key, now, ttl)) {
      job.outcome.status = hit->status;
      job.outcome.account = hit->account;
      job.outcome.scope = hit->scope;
      job.outcome.cached = true;
      cached_date[&job] = hit->date;
    } else {
      to_ask.push_back(&job);
    }
  }

  HostLimiter limiter;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t k = next++; k < to_ask.size(); k = next++) {
      Job* job = to_ask[k];
      job->outcome =
          RunVerification(*job->spec, job->sample->secret,
                          job->sample->identifier, options, &limiter);
    }
  };
  std::vector<std::thread> threads;
  int n = std::min<int>(options.jobs, static_cast<int>(to_ask.size()));
  for (int t = 1; t < n; t++) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  for (Job& job : jobs) {
    Verification v;
    v.status = job.outcome.status;
    v.account = job.outcome.account;
    v.scope = job.outcome.scope;
    v.detail = job.outcome.detail;
    v.date = job.outcome.cached ? cached_date[&job] : today;
    if (!job.outcome.cached && v.status != "error") {
      cache.Put(job.cache_key, {v.status, v.account, v.scope, v.date, now});
    }
    for (size_t i : job.findings) (*findings)[i].verification = v;
  }
  if (!options.cache_path.empty()) {
    if (Status s = cache.Save(now, ttl); !s.ok() && options.warn) {
      options.warn("verification cache not written: " + s.message());
    }
  }
  return Status::OK();
}

}  // namespace keyward
