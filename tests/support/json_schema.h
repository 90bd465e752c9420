// Test support: validate a JSON document against a JSON Schema file with
// Python's jsonschema (installed by ci/setup.sh).
#ifndef KEYWARD_TESTS_SUPPORT_JSON_SCHEMA_H_
#define KEYWARD_TESTS_SUPPORT_JSON_SCHEMA_H_

#include <string>

#include "keyward/status.h"

namespace keyward::test {

// OK when `document` (JSON text) is valid under the schema in `schema_file`
// (the validator class follows the schema's "$schema", draft 4 when it has
// none); else kInvalidArgument with the validator's complaints, one per
// line ("[path] message"). A validator that cannot run (no python3, no
// jsonschema) is a test failure, never a pass.
Status ValidateJsonSchema(const std::string& schema_file,
                          const std::string& document);

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_JSON_SCHEMA_H_
