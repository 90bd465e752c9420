// Confidence of a finding (scanner/confidence.h).
#include "scanner/confidence.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

#include "keyward/rules.h"
#include "rules/validators.h"
#include "scanner/wordiness.h"

namespace keyward {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = std::tolower(static_cast<unsigned char>(c));
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool In(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}
bool IsLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)); }
// `s` starts with word `w` followed by a non-letter or its end: "test_x",
// "test", not "testimony".
bool StartsWithWord(std::string_view s, std::string_view w) {
  return StartsWith(s, w) && (s.size() == w.size() || !IsLetter(s[w.size()]));
}

// Directories whose content is configuration or credentials.
bool ConfigDir(std::string_view d) {
  return In(d, {".kube", ".docker", ".aws", ".ssh", ".azure", ".gnupg",
                ".subversion", ".cargo", ".gem", ".bundle", ".m2", ".gradle",
                ".terraform.d", ".oci", ".config"});
}

// A command's per-user directory (`~/.snowsql`, `~/.pulumi`) and
// its `config` or `credentials` file with no extension: the client's
// settings, the account's password or token among them.
bool ClientStateFile(std::string_view dir, std::string_view base) {
  return dir.size() > 1 && dir[0] == '.' && In(base, {"config", "credentials"});
}

bool DocsDir(std::string_view d) {
  if (In(d, {"doc", "docs", "documentation", "man", "manual", "manuals",
             "javadoc", "apidoc", "apidocs", "manpages"})) {
    return true;
  }
  // man1 .. man9, mann
  return d.size() == 4 && StartsWith(d, "man") &&
         ((d[3] >= '1' && d[3] <= '9') || d[3] == 'n');
}

bool TestDir(std::string_view d) {
  if (In(d,
         {"test",      "tests",     "testing",   "testdata",   "test-data",
          "test_data", "testfiles", "testsuite", "test-suite", "__tests__",
          "t",         "e2e",       "fixture",   "fixtures",   "__fixtures__",
          "spec",      "specs",     "example",   "examples",   "sample",
          "samples",   "mock",      "mocks",     "__mocks__",  "__snapshots__",
          "snapshots", "demo",      "demos"})) {
    return true;
  }
  return StartsWithWord(d, "test") || EndsWith(d, "_test") ||
         EndsWith(d, "-test") || EndsWith(d, "_tests") ||
         EndsWith(d, "-tests") || StartsWithWord(d, "example") ||
         StartsWithWord(d, "sample") || StartsWithWord(d, "demo");
}

// Extensions of documentation markup (Markdown, reStructuredText, AsciiDoc,
// Texinfo, POD, RDoc).
bool MarkupExt(std::string_view ext) {
  return In(ext, {"md", "markdown", "mdx", "rst", "adoc", "asciidoc", "texi",
                  "texinfo", "pod", "rdoc"});
}

// A name that says the file holds credentials (`db_passwords.txt`,
// `secrets.yml`). A page of markup is documentation whatever its subject
// (`change-password.rst`, `secrets-management.md`).
bool CredentialName(std::string_view base, std::string_view ext) {
  if (MarkupExt(ext) || In(ext, {"html", "htm"})) return false;
  return base.find("credential") != base.npos ||
         base.find("secret") != base.npos || base.find("passw") != base.npos;
}

bool ConfigFile(std::string_view base, std::string_view ext) {
  if (In(base,
         {".env",           ".npmrc",        ".yarnrc",     ".pypirc",
          ".pgpass",        ".netrc",        "_netrc",      ".git-credentials",
          ".dockercfg",     "wp-config.php", "settings.py", "local_settings.py",
          ".my.cnf",        ".htpasswd",     "htpasswd",    "shadow",
          "kubeconfig",     ".s3cfg",        ".boto",       "master.key",
          "web.config",     "app.config",    ".bashrc",     ".zshrc",
          ".profile",       ".bash_profile", ".gitconfig",  "id_rsa",
          "id_dsa",         "id_ecdsa",      "id_ed25519",  ".htaccess",
          ".bash_history",  ".zsh_history",  ".history",    ".psql_history",
          ".mysql_history", ".sh_history"})) {
    return true;
  }
  if (StartsWith(base, ".env.") || StartsWith(base, ".env-")) return true;
  // Container build files and their variants (`Dockerfile.prod`,
  // `Dockerfile.2`, `api.dockerfile`, `Containerfile`): ENV and ARG values
  // ship in the image.
  if (StartsWith(base, "dockerfile") || StartsWith(base, "containerfile") ||
      EndsWith(base, ".dockerfile")) {
    return true;
  }
  // A Jenkins pipeline (`Jenkinsfile`, `Jenkinsfile.release`): what its
  // `environment` and `withEnv` blocks hold reaches every build.
  if (StartsWith(base, "jenkinsfile")) return true;
  // A client's dotfile named for its command (`.fetchmailrc`, `.msmtprc`,
  // `.wgetrc`, `.muttrc`): its settings, account passwords among them.
  if (base.size() > 3 && base[0] == '.' && EndsWith(base, "rc") &&
      base.find('.', 1) == std::string_view::npos) {
    return true;
  }
  // PgBouncer's auth file (`userlist.txt`, `pgbouncer-userlist.txt`).
  if (EndsWith(base, "userlist.txt")) return true;
  // A crontab (`crontab`, `crontab.txt`, `root.crontab`): its commands run
  // with what they hold.
  if (StartsWith(base, "crontab") || EndsWith(base, ".crontab")) return true;
  // XML: the configuration format of Java and .NET (web.config,
  // settings.xml, beans.xml, credentials.xml, server.xml). Salt's states
  // and pillars (`.sls`) are YAML written onto the servers Salt manages.
  // (Puppet's `.pp` is also Free Pascal's unit extension: left neutral.)
  // EDN is Clojure's data and configuration format (`config.edn`).
  // NetworkManager profiles, registry exports and remote-desktop
  // connection files hold a client's saved settings, logins among them;
  // Terraform's state holds the values of the resources it made.
  return In(ext,
            {"env",    "ini",    "cfg",     "conf",   "cnf", "properties",
             "yaml",   "yml",    "toml",    "json",   "xml", "tf",
             "tfvars", "hcl",    "config",  "plist",  "pem", "key",
             "ppk",    "pgpass", "netrc",   "sls",    "edn", "nmconnection",
             "reg",    "rdp",    "remmina", "tfstate"});
}

// Program source: a literal assigned or passed here ships with the program.
bool CodeFile(std::string_view ext) {
  return In(ext,
            {"py",   "js",  "mjs", "cjs",   "ts",     "jsx",    "tsx",  "go",
             "java", "kt",  "kts", "scala", "groovy", "gradle", "php",  "rb",
             "cs",   "vb",  "fs",  "swift", "m",      "c",      "cc",   "cpp",
             "cxx",  "rs",  "pl",  "pm",    "sh",     "bash",   "zsh",  "ps1",
             "psm1", "bat", "cmd", "sql",   "r",      "lua",    "dart", "ex",
             "exs",  "erl", "clj", "vue",   "svelte"});
}

bool DocsStem(std::string_view stem) {
  return StartsWithWord(stem, "readme") || StartsWithWord(stem, "changelog") ||
         StartsWithWord(stem, "changes") || StartsWithWord(stem, "news") ||
         StartsWithWord(stem, "faq");
}

// The names a project's plain-text documents go by (`INSTALL.txt`,
// `LICENSE.txt`, `release-notes.txt`).
bool DocsTextStem(std::string_view stem) {
  for (std::string_view w :
       {"license", "licence", "copying", "install", "authors", "contributors",
        "contributing", "notice", "thanks", "history", "hacking", "upgrading",
        "release", "manual", "guide", "howto", "tutorial", "usage", "help"}) {
    if (StartsWithWord(stem, w)) return true;
  }
  return false;
}

// Markup is documentation; so is plain text in a project's document names.
// Other plain text (`notes.txt`, `handover.txt`, a support dump) is text
// someone wrote down, credentials among it: neither docs nor configuration.
// (A `.txt` under `doc/` is docs by its directory.)
bool DocsFile(std::string_view stem, std::string_view ext) {
  if (DocsStem(stem)) return true;
  if (MarkupExt(ext)) return true;
  if (ext == "txt") return DocsTextStem(stem);
  // Man pages: "ls.1", "ssl.3ssl", "perl.1p".
  return !ext.empty() && ext.size() <= 5 && ext[0] >= '1' && ext[0] <= '9' &&
         std::all_of(ext.begin() + 1, ext.end(), IsLetter);
}

// Dot-separated parts of a file name: "beans.xml.dist" -> beans, xml, dist.
std::vector<std::string_view> DotParts(std::string_view base) {
  std::vector<std::string_view> parts;
  for (size_t i = 0; i <= base.size();) {
    size_t dot = base.find('.', i);
    if (dot == base.npos) dot = base.size();
    if (dot > i) parts.push_back(base.substr(i, dot - i));
    i = dot + 1;
  }
  return parts;
}

// A name part that says the file holds tests or example data.
bool ExampleMarker(std::string_view part) {
  return In(part, {"test", "tests", "spec", "specs", "example", "examples",
                   "sample", "samples", "mock", "mocks", "fixture", "fixtures",
                   "dummy", "fake", "stories", "demo"});
}

// `base` lowercased, `orig` as written (for FooTest.java).
bool TestFile(std::string_view base, std::string_view orig) {
  // "beans.xml.dist", ".env.example", "app.test.js".
  std::vector<std::string_view> parts = DotParts(base);
  if (parts.empty()) return false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (ExampleMarker(parts[i]) || In(parts[i], {"dist", "template", "tmpl"})) {
      return true;
    }
  }
  std::string_view stem = parts[0];
  if (StartsWithWord(stem, "test") || StartsWithWord(stem, "tests") ||
      StartsWithWord(stem, "example") || StartsWithWord(stem, "sample") ||
      StartsWithWord(stem, "mock") || StartsWithWord(stem, "fake") ||
      StartsWithWord(stem, "dummy") || StartsWithWord(stem, "demo") ||
      stem == "conftest" || stem.find("-demo-") != stem.npos ||
      stem.find("_demo_") != stem.npos || EndsWith(stem, "_test") ||
      EndsWith(stem, "-test") || EndsWith(stem, "_tests") ||
      EndsWith(stem, "_spec") || EndsWith(stem, "-spec") ||
      EndsWith(stem, "_example") || EndsWith(stem, "_sample") ||
      EndsWith(stem, "_mock")) {
    return true;
  }
  // git's and Perl's test scripts: t1234-name.sh
  if (stem.size() > 6 && stem[0] == 't' &&
      std::all_of(stem.begin() + 1, stem.begin() + 5,
                  [](char c) { return std::isdigit((unsigned char)c); }) &&
      stem[5] == '-') {
    return true;
  }
  // FooTest.java, FooTests.cs (the case tells it from "latest.js").
  size_t odot = orig.find('.');
  std::string_view ostem = orig.substr(0, odot);
  for (std::string_view suffix : {"Test", "Tests", "Spec"}) {
    if (ostem.size() > suffix.size() && EndsWith(ostem, suffix) &&
        std::islower(static_cast<unsigned char>(
            ostem[ostem.size() - suffix.size() - 1]))) {
      return true;
    }
  }
  return false;
}

// The last suffix of a configuration template: `settings.py.dist`,
// `app.json.example`, `db.yml.template`.
bool TemplateSuffix(std::string_view ext) {
  return In(ext, {"dist", "example", "sample", "template", "tmpl", "tpl",
                  "default", "defaults"});
}

// A test or example marker between the stem and the format extension:
// `s3-2006-03-01.examples.json`, `user.mock.json`, `app.test.yaml`. (A
// marker as the last suffix is a template, TemplateSuffix; one in the stem,
// `example_config.yaml`, is left to TestFile.)
bool ExamplesBeforeFormat(std::string_view base) {
  std::vector<std::string_view> parts = DotParts(base);
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (ExampleMarker(parts[i])) {
      return true;
    }
  }
  return false;
}

int Score(Confidence c) { return static_cast<int>(c); }

bool HumanChosenKind(std::string_view kind) {
  return In(kind, {"password", "connection-string", "password_hash",
                   "password-hash", "basic-auth"});
}

}  // namespace

PathContext ClassifyPath(std::string_view path) {
  PathContext ctx;
  if (path.empty() || path == "-") return ctx;
  // Components split on '/', '\' and '!' (archive members: outer.zip!a/b).
  std::vector<std::string_view> comps;
  for (size_t i = 0; i <= path.size();) {
    size_t end = path.find_first_of("/\\!", i);
    if (end == path.npos) end = path.size();
    if (end > i) comps.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  if (comps.empty()) return ctx;
  std::string_view orig_base = comps.back();
  std::string base = Lower(orig_base);
  bool log_dir = false;
  for (size_t i = 0; i + 1 < comps.size(); ++i) {
    std::string d = Lower(comps[i]);
    if (d == "." || d == "..") continue;
    if (DocsDir(d)) ctx.docs = true;
    if (TestDir(d)) ctx.test = true;
    if (i + 2 == comps.size() && (ConfigDir(d) || ClientStateFile(d, base))) {
      ctx.config = true;
    }
    if (d == "log" || d == "logs") log_dir = true;
  }
  size_t dot = base.rfind('.');
  std::string ext =
      dot == std::string::npos || dot == 0 ? "" : base.substr(dot + 1);
  std::string stem = base.substr(0, base.find('.', 1));
  // The format of a template is the extension before its marker:
  // `config.json.example` and `beans.xml.dist` are configuration files put
  // aside to be copied into place (and often filled in), as `.env.example`.
  std::string format_ext = ext;
  if (dot != std::string::npos && dot > 0 && TemplateSuffix(ext)) {
    size_t prev = base.rfind('.', dot - 1);
    if (prev != std::string::npos && prev > 0) {
      format_ext = base.substr(prev + 1, dot - prev - 1);
    }
  }
  bool credential = CredentialName(base, ext);
  // A file whose name says it holds examples or test data before its format
  // (`api.examples.json`, `user.mock.json`, `docker.sample.yml`) is a
  // document of examples in that format, not a configuration file.
  bool examples_doc = ExamplesBeforeFormat(base);
  if (credential || ConfigFile(base, examples_doc ? "" : format_ext)) {
    ctx.config = true;
  }
  // A TypeScript declaration file (`.d.ts`) holds types and doc comments,
  // no values: what looks like a credential there is a doc example.
  bool declarations = EndsWith(base, ".d.ts") || EndsWith(base, ".d.mts") ||
                      EndsWith(base, ".d.cts");
  // Go's package documentation file, and known-answer test vectors of
  // cryptography (NIST `.rsp` files, `*vectors*.json`): their keys and
  // secrets are the algorithms' published inputs.
  bool vectors = ext == "rsp" || (base.find("vector") != std::string::npos &&
                                  !CodeFile(format_ext));
  if (declarations || base == "doc.go" || vectors) {
    ctx.docs = true;
  } else if (CodeFile(format_ext)) {
    ctx.code = true;
  }
  if (TestFile(base, orig_base)) ctx.test = true;
  // A log, perhaps rotated and compressed (app.log, app.log.1,
  // app.log.2.gz), or a file in a log directory that is neither program
  // source (a logging package's code is code) nor its README: what a
  // program printed at run time.
  if (ext == "log" || base.find(".log.") != std::string::npos ||
      (log_dir && !ctx.code && !DocsStem(stem))) {
    ctx.log = true;
  }
  // A `.txt` among tests is a test's input or expected output (a fixture),
  // not documentation: it is lowered once, as a test, not twice.
  bool fixture_text = ext == "txt" && ctx.test && !DocsStem(stem);
  // A file named as credentials or configuration (`passwords.txt`,
  // PgBouncer's `userlist.txt`) is not documentation by its extension.
  // Nor is a log's `.txt` (logs/api.txt).
  if (!ctx.config && !ctx.log && !fixture_text && DocsFile(stem, ext)) {
    ctx.docs = true;
  }
  // Other plain text (notes, a hand-over, a support dump, output saved as
  // `.txt`) is read like a log: what it holds was written down as it was,
  // not as an example.
  if (ext == "txt" && !ctx.docs && !ctx.test && !ctx.config) ctx.log = true;
  return ctx;
}

namespace {

// 8-4-4-4-12 hex digits, optionally in braces (a GUID).
bool IsUuid(std::string_view s) {
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') {
    s = s.substr(1, 36);
  }
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

// Whether `s`, with Shannon entropy `h`, has the entropy a random string of
// its length over the classes present would have.
bool RandomForItsLength(std::string_view s, double h) {
  size_t n = s.size();
  // Hex of one case carries 4 bits a character at most, and a short random
  // run falls well under that: the entropy of n random hex digits is about
  // 4 - 10.8/n (Miller-Madow), 3.46 for 20 digits, 3.66 for 32. A fixed 3.5
  // called 78% of random 20-digit keys and 18% of 32-digit ones not random;
  // 0.45 under the expected value misses 4% and 0.5% of them (bench/README,
  // "Hex keys' confidence"). Mixed case is no rendering of hex: as below.
  if (n >= 16 && IsHexOfOneCase(s)) {
    double expected = 4.0 - 10.82 / static_cast<double>(n);
    return h >= expected - 0.45;
  }
  // How close to the entropy a random string of this length over the
  // classes present would have (log2 of min(length, alphabet)).
  CharClasses cls = ClassesOf(s);
  // Hex digits alone count as a 16-letter alphabet.
  bool hex = std::all_of(s.begin(), s.end(),
                         [](unsigned char c) { return std::isxdigit(c); });
  int alphabet =
      hex ? 16
          : 26 * cls.lower + 26 * cls.upper + 10 * cls.digit + 32 * cls.symbol;
  double max_h = std::log2(static_cast<double>(
      std::min<size_t>(n, static_cast<size_t>(std::max(alphabet, 2)))));
  return n >= 16 && h >= 3.5 && h >= 0.85 * max_h;
}

// The longest run of `s` between the separators of labels and prefixes.
std::string_view LongestSegment(std::string_view s) {
  std::string_view best;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() ||
        std::string_view("-_.:").find(s[i]) != std::string_view::npos) {
      if (i - start > best.size()) best = s.substr(start, i - start);
      start = i + 1;
    }
  }
  return best;
}

}  // namespace

ValueShape ClassifyValue(std::string_view secret, double chars_per_token,
                         bool human_chosen) {
  // The BPE score decides the clear cases (bench/README, "word-likeness"):
  // every random alphabet's 95th percentile is under 2.2 characters per
  // token, held-out identifiers and words score ~4-4.75 (79% and 76% of
  // them above 3.0). Between the two, entropy decides as without it.
  constexpr double kWordLikeCpt = 3.0, kRandomCpt = 1.8;
  if (chars_per_token > 0) {
    if (chars_per_token >= kWordLikeCpt) return ValueShape::kWeak;
    if (chars_per_token <= kRandomCpt && secret.size() >= 12) {
      return ValueShape::kRandom;
    }
  }
  double h = ShannonEntropy(secret);
  size_t n = secret.size();
  // A person's password is short: 9-11 characters mixing letters and digits
  // and not word-like (word-like ones returned above) is the shape of a
  // chosen one (`tr4inL1ne9`), not of a demo word. Random-looking for a
  // password is a property of the choice, not of a generator: neutral.
  if (human_chosen && n >= 9 && n < 12 && h >= 2.5) {
    CharClasses cls = ClassesOf(secret);
    if (cls.digit && (cls.lower || cls.upper)) return ValueShape::kNeutral;
  }
  if (n < 12 || h < 3.0) return ValueShape::kWeak;
  if (RandomForItsLength(secret, h)) return ValueShape::kRandom;
  // A random body behind a label or a prefix (`s-s4t2ud-<64 hex>`,
  // `live_<40>`, `prod-<hex>`): the separators and the label's letters
  // widen the alphabet the whole is measured against, so the whole value
  // falls short of random although its body is. The longest run between
  // separators decides when it is most of the value, 20+ bytes, and mixes
  // letters and digits (a date or a number is not a key's body).
  std::string_view body = LongestSegment(secret);
  if (body.size() >= 20 && body.size() * 2 >= n && body.size() < n) {
    CharClasses b = ClassesOf(body);
    if (b.digit && (b.lower || b.upper) && !b.symbol &&
        RandomForItsLength(body, ShannonEntropy(body))) {
      return ValueShape::kRandom;
    }
  }
  return ValueShape::kNeutral;
}

namespace {

// ComputeConfidence before the rule's cap.
Confidence Uncapped(const ConfidenceInputs& in) {
  if (in.checksum_verified) return Confidence::kHigh;
  // The exact shape of a minted token but not its checksum: a stand-in or
  // a mangled copy, reported as a prefixed token without a checksum is in
  // any file (medium), never as a proven one.
  if (in.checksum_failed) return Confidence::kMedium;
  int score = Score(in.prior);
  if (in.path.config || in.path.log) ++score;
  if (in.path.docs) --score;
  if (in.path.test) --score;
  bool prefix_led =
      in.literal_prefix && !in.generic && in.prior == Confidence::kHigh;
  // A password is chosen by a person: how random it looks says little, but
  // where it is says much. In a configuration file, a log or program source
  // (not a test, not docs) a literal password is the program's credential
  // however weak it is; a random-looking one is a real one anywhere.
  bool shipped = (in.path.config || in.path.code || in.path.log) &&
                 !in.path.docs && !in.path.test;
  if (in.human_chosen && in.path.code && !in.path.config && shipped) ++score;
  if (!prefix_led) {
    // (A password hash always looks random: that says nothing.)
    if (in.value == ValueShape::kRandom && !in.hashed) ++score;
    if (in.value == ValueShape::kWeak && !(in.human_chosen && shipped)) {
      --score;
    }
  }
  if (prefix_led) score = std::max(score, Score(Confidence::kMedium));
  if (in.weak) {
    bool config_only = in.path.config && !in.path.docs && !in.path.test;
    score = config_only ? std::max(score, Score(Confidence::kMedium))
                        : Score(Confidence::kLow);
  }
  if (score <= 0) return Confidence::kLow;
  if (score == 1) return Confidence::kMedium;
  return Confidence::kHigh;
}

}  // namespace

Confidence ComputeConfidence(const ConfidenceInputs& in) {
  Confidence c = Uncapped(in);
  return in.has_cap && Score(c) > Score(in.cap) ? in.cap : c;
}

Confidence FindingConfidence(const Rule& rule, const Finding& finding,
                             double chars_per_token) {
  ConfidenceInputs in;
  ParseConfidence(rule.confidence, &in.prior);
  in.has_cap = !rule.max_confidence.empty() &&
               ParseConfidence(rule.max_confidence, &in.cap);
  in.generic = rule.generic;
  in.literal_prefix = !rule.prefix.empty();
  in.checksum_verified = finding.checksum_verified;
  in.checksum_failed = finding.checksum_failed;
  in.weak = finding.weak;
  in.human_chosen = HumanChosenKind(rule.kind);
  in.hashed = rule.kind == "password_hash" || rule.kind == "password-hash";
  // Rules with a literal prefix are judged by it; for the others the BPE
  // score says how word-like the value is (~1 us a value).
  if (chars_per_token <= 0 && rule.prefix.empty()) {
    chars_per_token = CharsPerToken(finding.secret);
  }
  in.value = ClassifyValue(finding.secret, chars_per_token, in.human_chosen);
  // A UUID is random by construction, and so are the record, request and
  // session identifiers that share its shape: for a generic rule its
  // randomness says nothing (the key and the file decide). A provider
  // rule's UUID (Heroku, Snyk) was recognised by the rule's context.
  if (rule.generic && IsUuid(finding.secret)) in.value = ValueShape::kNeutral;
  in.path = ClassifyPath(finding.path);
  if (InCodeDocumentation(finding.code_docs, finding.path)) {
    in.path.docs = true;
  }
  return ComputeConfidence(in);
}

namespace {

std::string_view Stripped(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Whether the triple-quoted string opening at text[q] is documentation.
bool PythonDocString(std::string_view text, size_t q) {
  size_t p = q;  // string prefix letters: r, b, u, f
  while (p > 0 && std::strchr("rRbBuUfF", text[p - 1]) != nullptr) p--;
  size_t nl = p == 0 ? std::string_view::npos : text.rfind('\n', p - 1);
  size_t line = nl == std::string_view::npos ? 0 : nl + 1;
  std::string_view before = Stripped(text.substr(line, p - line));
  if (!before.empty()) {
    // Ansible's module documentation (`EXAMPLES = r'''`), `__doc__ = `.
    if (before.back() != '=') return false;
    before = Stripped(before.substr(0, before.size() - 1));
    return before == "EXAMPLES" || before == "RETURN" ||
           before == "DOCUMENTATION" || before == "__doc__";
  }
  // A statement of its own: a docstring when the code line before it opens
  // a def or class (ends with `:`), or when no code line comes before it.
  size_t end = line;  // the previous line ends at end - 1 (its '\n')
  while (end > 0) {
    size_t prev_nl =
        end >= 2 ? text.rfind('\n', end - 2) : std::string_view::npos;
    size_t start = prev_nl == std::string_view::npos ? 0 : prev_nl + 1;
    std::string_view l = Stripped(text.substr(start, end - 1 - start));
    if (!l.empty() && l.front() != '#') return l.back() == ':';
    end = start;
  }
  return true;
}

bool InPythonDocs(std::string_view text, size_t offset) {
  constexpr size_t kMaxScan = 256 << 10;
  if (offset > kMaxScan) return false;
  size_t pos = 0, open = std::string_view::npos;
  std::string_view quote;
  while (pos < offset) {
    if (open == std::string_view::npos) {
      size_t d = text.find(R"(""")", pos), s = text.find("'''", pos);
      size_t q = std::min(d, s);
      if (q == std::string_view::npos || q >= offset) return false;
      quote = q == d ? R"(""")" : "'''";
      open = q;
      pos = q + 3;
    } else {
      size_t c = text.find(quote, pos);
      if (c == std::string_view::npos || c >= offset) break;
      open = std::string_view::npos;
      pos = c + 3;
    }
  }
  return open != std::string_view::npos && PythonDocString(text, open);
}

bool InRustDocComment(std::string_view text, size_t offset) {
  size_t nl =
      offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  size_t line = nl == std::string_view::npos ? 0 : nl + 1;
  std::string_view l = Stripped(text.substr(line, offset - line));
  return l.starts_with("///") || l.starts_with("//!");
}

bool InXmlComment(std::string_view text, size_t offset) {
  constexpr size_t kMaxBack = 64 << 10;
  size_t from = offset > kMaxBack ? offset - kMaxBack : 0;
  std::string_view before = text.substr(from, offset - from);
  size_t open = before.rfind("<!--");
  return open != std::string_view::npos &&
         before.find("-->", open + 4) == std::string_view::npos;
}

// XML files and the formats written in XML (.NET's web.config and project
// files, Maven's pom).
bool XmlPath(std::string_view path) {
  for (std::string_view ext : {".xml", ".config", ".pom", ".csproj", ".props",
                               ".targets", ".xsl", ".xslt"}) {
    if (EndsWith(path, ext)) return true;
  }
  return false;
}

}  // namespace

uint8_t CodeDocumentationAt(std::string_view text, size_t offset,
                            std::string_view path) {
  if (offset > text.size()) return 0;
  const bool any = path.empty();
  uint8_t docs = 0;
  if ((any || EndsWith(path, ".py")) && InPythonDocs(text, offset)) {
    docs |= kPythonDocs;
  }
  if ((any || EndsWith(path, ".rs")) && InRustDocComment(text, offset)) {
    docs |= kRustDocs;
  }
  if ((any || XmlPath(path)) && InXmlComment(text, offset)) {
    docs |= kXmlComment;
  }
  return docs;
}

bool InCodeDocumentation(uint8_t docs, std::string_view path) {
  return ((docs & kPythonDocs) && EndsWith(path, ".py")) ||
         ((docs & kRustDocs) && EndsWith(path, ".rs")) ||
         ((docs & kXmlComment) && XmlPath(path));
}

void RecomputeConfidence(const std::vector<Rule>& rules,
                         std::vector<Finding>* findings) {
  std::unordered_map<std::string_view, const Rule*> by_id;
  for (const Rule& r : rules) by_id[r.id] = &r;
  for (Finding& f : *findings) {
    auto it = by_id.find(f.rule_id);
    if (it != by_id.end()) f.confidence = FindingConfidence(*it->second, f);
  }
}

}  // namespace keyward
