// JSON Schema validation through Python's jsonschema (json_schema.h).
#include "support/json_schema.h"

#include <gtest/gtest.h>

#include "support/run.h"

namespace keyward::test {

Status ValidateJsonSchema(const std::string& schema_file,
                          const std::string& document) {
  TempDir dir;
  std::string file = dir.Write("doc.json", document);
  std::string script =
      "import json, sys, jsonschema\n"
      "schema = json.load(open(sys.argv[1]))\n"
      "doc = json.load(open(sys.argv[2]))\n"
      "cls = jsonschema.validators.validator_for(schema, "
      "default=jsonschema.Draft4Validator)\n"
      "errors = list(cls(schema).iter_errors(doc))\n"
      "for e in errors: print(list(e.path), e.message)\n"
      "sys.exit(1 if errors else 0)\n";
  auto r = RunProgram({"python3", "-c", script, schema_file, file});
  if (r.exit_code == 0) return Status::OK();
  // Exit 1 with the schema's complaints; anything else is a broken check.
  if (r.exit_code != 1 || r.out.empty()) {
    ADD_FAILURE() << "the JSON Schema validator did not run: " << r.err;
  }
  return Status::InvalidArgument(r.out + r.err);
}

}  // namespace keyward::test
