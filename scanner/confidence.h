// Confidence: how sure keyward is that a finding is a real credential.
//
// One pure function decides it, from four kinds of evidence:
//
//   1. The rule: its YAML `confidence:` is the author's prior and the
//      starting point (low 0, medium 1, high 2). A verified checksum
//      (`validate: [github_crc32]`) proves the value was minted by the
//      provider: high, wherever it is. A specific rule with a fixed literal
//      prefix and a high prior never drops below medium.
//   2. The path: configuration and credential files (.env, *.ini, *.yaml,
//      *.json, *.xml, wp-config.php, .npmrc, .pgpass, kubeconfig, *.tfvars,
//      credentials, ...) and logs (*.log, app.log.1, logs/: what a program
//      printed at run time) raise by one; documentation (README*, *.md, *.txt,
//      docs/, man pages) lowers by one; tests, fixtures, examples, samples,
//      mocks, specs and templates lower by one. A `.txt` among tests is a
//      test's fixture, not documentation: lowered once, as a test.
//   3. The value (for rules without a fixed prefix, whose shape is weak
//      evidence): a random-looking value raises a token-like kind by one; a
//      weak one (short or low entropy, or word-like by BPE) lowers by one,
//      except for a password-like kind in a configuration file: a weak
//      password committed in `.env` is a real leak.
//   4. Word-likeness (byte-pair encoding, characters per token): when
//      measured, it replaces entropy in (3). 0 means not measured.
//   5. A demo value (a lowering filter matched: password1, adminPassword,
//      admin): in a configuration file that is not docs or a test it is the
//      real, weak credential and is reported (at least medium); anywhere
//      else (README, docs, tests, examples, program source) it stands in for
//      one: low, reported only with --min-confidence low.
//
// Result: <= 0 low, 1 medium, >= 2 high. `scan --min-confidence` (default
// medium) hides findings below the threshold.
#ifndef KEYWARD_SCANNER_CONFIDENCE_H_
#define KEYWARD_SCANNER_CONFIDENCE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "keyward/finding.h"
#include "keyward/rules.h"

namespace keyward {

// What a path says about the file. Flags, not a choice: `.env.example` is a
// configuration file and an example, `tests/fixtures/config.yaml` both too.
struct PathContext {
  bool config = false;  // configuration or credential file
  bool docs = false;    // documentation
  bool test = false;    // tests, fixtures, examples, samples, templates
  bool code = false;    // program source (.py, .js, .go, .java, .php, ...)
  bool log = false;  // a log: *.log, rotated (app.log.1, app.log.2.gz), logs/
};
PathContext ClassifyPath(std::string_view path);

// How random the secret value looks.
enum class ValueShape { kWeak, kNeutral, kRandom };
// When `chars_per_token` > 0 (the BPE score, scanner/wordiness.h:
// characters per token of the value, high = word-like), it decides the clear
// cases (>= 3.0 weak; <= 1.8 and 12+ bytes random); otherwise Shannon
// entropy and length decide. For a `human_chosen` kind (a password) a 9-11
// byte value mixing letters and digits that is not word-like is neutral,
// not weak: that is how people's passwords look.
ValueShape ClassifyValue(std::string_view secret, double chars_per_token = 0,
                         bool human_chosen = false);

struct ConfidenceInputs {
  Confidence prior = Confidence::kMedium;  // the rule's `confidence:`
  bool generic = false;                    // the rule's `generic:`
  bool literal_prefix = false;             // the rule has a `prefix:`
  bool checksum_verified = false;
  // A checksum that did not verify: medium at most, whatever else says.
  bool checksum_failed = false;
  // Password-like kinds (password, connection-string, password_hash): people
  // choose them, so weakness is expected of a real one.
  bool human_chosen = false;
  bool hashed = false;  // a password hash (random-looking by nature)
  bool weak = false;    // a demo value (Finding::weak)
  // The rule's `max_confidence:` (has_cap false: none): nothing raises a
  // finding above it, not even a verified checksum.
  bool has_cap = false;
  Confidence cap = Confidence::kHigh;
  ValueShape value = ValueShape::kNeutral;
  PathContext path;
};

Confidence ComputeConfidence(const ConfidenceInputs& in);

// ComputeConfidence for a finding of `rule` (reads the finding's secret,
// path and checksum_verified). `chars_per_token`: the BPE score of the
// secret; 0: computed here for rules without a literal prefix.
Confidence FindingConfidence(const Rule& rule, const Finding& finding,
                             double chars_per_token = 0);

// Documentation written into code, where a credential is an example: a
// Python docstring (a triple-quoted string that opens a module or follows
// a `def`/`class` line) or an Ansible module's `EXAMPLES`/`RETURN`/
// `DOCUMENTATION` string, a Rust doc comment (`///`, `//!`), or an XML
// comment (`<!-- ... -->`: the commented-out template entries of Maven's
// settings.xml, a web.config's samples). Python only in the first 256 KiB
// of the text, XML comments opened at most 64 KiB before the value. Bits
// of Finding::code_docs: which one counts is the file's language's.
enum CodeDocs : uint8_t { kPythonDocs = 1, kRustDocs = 2, kXmlComment = 4 };

// Which of them text[offset] lies in. With a path, only its language's
// (none for other files); with none (a git blob, scanned before history
// gives it its paths) every language's, for the path to choose from.
uint8_t CodeDocumentationAt(std::string_view text, size_t offset,
                            std::string_view path);

// Whether a finding at `path` whose text gave `docs` (CodeDocumentationAt)
// is in its file's documentation: read as docs by the confidence.
bool InCodeDocumentation(uint8_t docs, std::string_view path);

// Sets each finding's confidence again (after a git scan learned the
// paths); findings of rules not in `rules` keep theirs.
void RecomputeConfidence(const std::vector<Rule>& rules,
                         std::vector<Finding>* findings);

}  // namespace keyward

#endif  // KEYWARD_SCANNER_CONFIDENCE_H_
