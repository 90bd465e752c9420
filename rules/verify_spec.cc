// The `verify:` block of a rule (schema in keyward/rules.h): YAML to the
// JSON kept in Rule::verify, and that JSON to a VerifySpec. Part of the rule
// loader, so a bad block fails `rules check`, `--rules` and the build.
#include <nlohmann/json.hpp>

#include "keyward/verify.h"
#include "rules/rule_parse.h"

namespace keyward {
namespace {

using nlohmann::json;

json YamlToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& kv : node) {
      out[kv.first.as<std::string>()] = YamlToJson(kv.second);
    }
    return out;
  }
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& item : node) out.push_back(YamlToJson(item));
    return out;
  }
  if (node.IsScalar()) return node.as<std::string>();
  return nullptr;
}

// Every "{{" opens {{secret}} or {{id}}.
Status CheckTemplate(const std::string& text, const std::string& what) {
  for (size_t at = text.find("{{"); at != std::string::npos;
       at = text.find("{{", at + 2)) {
    std::string_view rest = std::string_view(text).substr(at);
    if (rest.rfind("{{secret}}", 0) != 0 && rest.rfind("{{id}}", 0) != 0) {
      return Status::Config(what +
                            ": unknown template (only {{secret}} and {{id}})");
    }
  }
  return Status::OK();
}

Status GetString(const json& j, const char* key, const std::string& what,
                 std::string* out) {
  if (!j.contains(key)) return Status::OK();
  if (!j[key].is_string()) {
    return Status::Config(what + ": `" + key + "` must be a string");
  }
  *out = j[key].get<std::string>();
  return Status::OK();
}

Status CheckKeys(const json& j, std::initializer_list<const char*> known,
                 const std::string& what) {
  if (!j.is_object()) return Status::Config(what + " must be a map");
  for (const auto& [k, v] : j.items()) {
    bool ok = false;
    for (const char* name : known) ok = ok || k == name;
    if (!ok) return Status::Config(what + ": unknown field `" + k + "`");
  }
  return Status::OK();
}

Status ParseCondition(const json& j, const std::string& what,
                      VerifyCondition* out) {
  if (Status s = CheckKeys(j, {"status", "json", "equals"}, what); !s.ok())
    return s;
  if (j.contains("status")) {
    json list =
        j["status"].is_array() ? j["status"] : json::array({j["status"]});
    for (const auto& v : list) {
      int code = 0;
      if (v.is_number_integer()) {
        code = v.get<int>();
      } else if (v.is_string()) {
        const std::string t = v.get<std::string>();
        if (t.empty() ||
            t.find_first_not_of("0123456789") != std::string::npos ||
            t.size() > 3) {
          return Status::Config(what + ": status `" + t + "` is not a code");
        }
        code = std::stoi(t);
      }
      if (code < 100 || code > 599) {
        return Status::Config(what + ": status codes are 100 to 599");
      }
      out->status.push_back(code);
    }
  }
  if (Status s = GetString(j, "json", what, &out->json_pointer); !s.ok())
    return s;
  if (!out->json_pointer.empty()) {
    try {
      json::json_pointer p(out->json_pointer);
    } catch (const json::exception&) {
      return Status::Config(what + ": `" + out->json_pointer +
                            "` is not a JSON pointer (/a/0/b)");
    }
  }
  if (j.contains("equals")) {
    if (out->json_pointer.empty()) {
      return Status::Config(what + ": `equals` needs `json`");
    }
    const json& e = j["equals"];
    if (e.is_string()) {
      // YAML scalars arrive as text: true, 3 or null mean JSON values.
      json parsed = json::parse(e.get<std::string>(), nullptr, false);
      out->json_equals = (!parsed.is_discarded() && !parsed.is_structured())
                             ? parsed.dump()
                             : e.dump();
    } else {
      out->json_equals = e.dump();
    }
  }
  if (out->empty()) return Status::Config(what + ": give `status` or `json`");
  return Status::OK();
}

Status ParseExtract(const json& j, const std::string& what,
                    VerifyExtract* out) {
  if (Status s = CheckKeys(j, {"json", "header"}, what); !s.ok()) return s;
  if (Status s = GetString(j, "json", what, &out->json_pointer); !s.ok())
    return s;
  if (Status s = GetString(j, "header", what, &out->header); !s.ok()) return s;
  if (out->json_pointer.empty() == out->header.empty()) {
    return Status::Config(what + ": give one of `json` or `header`");
  }
  if (!out->json_pointer.empty() && out->json_pointer[0] != '/') {
    return Status::Config(what + ": `json` must be a JSON pointer (/a/b)");
  }
  return Status::OK();
}

// `revoke`: the request of `keyward revoke`, which may also DELETE.
Status ParseRequest(const json& j, VerifyRequestSpec* r, bool revoke = false) {
  const std::string what = revoke ? "verify: revoke" : "verify";
  if (Status s = GetString(j, "method", what, &r->method); !s.ok()) return s;
  const std::string& m = r->method;
  if (revoke && m != "POST" && m != "DELETE") {
    return Status::Config("verify: revoke: method must be POST or DELETE");
  }
  if (!revoke && m != "GET" && m != "POST" && m != "HEAD") {
    return Status::Config("verify: method must be GET, POST or HEAD");
  }
  if (Status s = GetString(j, "url", what, &r->url); !s.ok()) return s;
  if (r->url.rfind("https://", 0) != 0) {
    return Status::Config("verify: `url` must start with https://");
  }
  size_t end = r->url.find_first_of("/?#", 8);
  std::string authority =
      r->url.substr(8, end == std::string::npos ? std::string::npos : end - 8);
  if (authority.empty() || authority.find("{{") != std::string::npos ||
      authority.find('@') != std::string::npos) {
    return Status::Config(
        "verify: the url's host must be literal (no templates, no user@)");
  }
  if (Status s = CheckTemplate(r->url, "verify: url"); !s.ok()) return s;
  std::string all = r->url;
  if (j.contains("headers")) {
    if (!j["headers"].is_object()) {
      return Status::Config("verify: `headers` must be a map");
    }
    for (const auto& [name, value] : j["headers"].items()) {
      if (!value.is_string() || name.empty() ||
          name.find_first_of(":\r\n ") != std::string::npos) {
        return Status::Config("verify: header `" + name + "` is malformed");
      }
      std::string v = value.get<std::string>();
      if (v.find_first_of("\r\n") != std::string::npos) {
        return Status::Config("verify: header `" + name + "` has a newline");
      }
      if (Status s = CheckTemplate(v, "verify: header " + name); !s.ok())
        return s;
      r->headers.emplace_back(name, v);
      all += v;
    }
  }
  if (Status s = GetString(j, "body", what, &r->body); !s.ok()) return s;
  if (Status s = CheckTemplate(r->body, "verify: body"); !s.ok()) return s;
  all += r->body;
  if (j.contains("basic_auth")) {
    const json& b = j["basic_auth"];
    if (Status s = CheckKeys(b, {"user", "password"}, "verify: basic_auth");
        !s.ok())
      return s;
    r->basic_auth = true;
    if (Status s = GetString(b, "user", what, &r->basic_user); !s.ok())
      return s;
    if (Status s = GetString(b, "password", what, &r->basic_password); !s.ok())
      return s;
    if (Status s = CheckTemplate(r->basic_user + r->basic_password,
                                 "verify: basic_auth");
        !s.ok())
      return s;
    all += r->basic_user + r->basic_password;
  }
  if (j.contains("aws_sigv4")) {
    const json& a = j["aws_sigv4"];
    if (Status s = CheckKeys(a, {"region", "service"}, "verify: aws_sigv4");
        !s.ok())
      return s;
    r->aws_sigv4 = true;
    if (Status s = GetString(a, "region", what, &r->aws_region); !s.ok())
      return s;
    if (Status s = GetString(a, "service", what, &r->aws_service); !s.ok())
      return s;
    all += "{{secret}}";
  }
  if (all.find("{{secret}}") == std::string::npos) {
    return Status::Config("verify: the request never uses {{secret}}");
  }
  return Status::OK();
}

}  // namespace

Result<VerifySpec> ParseVerifySpec(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return Status::Config("verify: not valid JSON");
  if (Status s = CheckKeys(
          j,
          {"method", "url", "headers", "body", "basic_auth", "aws_sigv4",
           "active", "inactive", "account", "scope", "revoke"},
          "verify");
      !s.ok())
    return s;
  VerifySpec spec;
  if (Status s = ParseRequest(j, &spec.request); !s.ok()) return s;
  for (const char* required : {"active", "inactive"}) {
    if (!j.contains(required)) {
      return Status::Config(std::string("verify: missing `") + required + "`");
    }
  }
  if (Status s = ParseCondition(j["active"], "verify: active", &spec.active);
      !s.ok())
    return s;
  if (Status s =
          ParseCondition(j["inactive"], "verify: inactive", &spec.inactive);
      !s.ok())
    return s;
  if (j.contains("account")) {
    if (Status s = ParseExtract(j["account"], "verify: account", &spec.account);
        !s.ok())
      return s;
  }
  if (j.contains("scope")) {
    if (Status s = ParseExtract(j["scope"], "verify: scope", &spec.scope);
        !s.ok())
      return s;
  }
  if (j.contains("revoke")) {
    const json& r = j["revoke"];
    if (Status s = CheckKeys(
            r, {"method", "url", "headers", "body", "basic_auth", "success"},
            "verify: revoke");
        !s.ok())
      return s;
    spec.can_revoke = true;
    spec.revoke.method = "POST";
    if (Status s = ParseRequest(r, &spec.revoke, /*revoke=*/true); !s.ok())
      return s;
    if (!r.contains("success")) {
      return Status::Config("verify: revoke: missing `success`");
    }
    if (Status s = ParseCondition(r["success"], "verify: revoke: success",
                                  &spec.revoked);
        !s.ok())
      return s;
  }
  return spec;
}

std::string VerifyHost(const std::string& url) {
  size_t start = url.find("://");
  if (start == std::string::npos) return "";
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string host = url.substr(
      start, end == std::string::npos ? std::string::npos : end - start);
  if (size_t colon = host.rfind(':');
      colon != std::string::npos && host.find(']') == std::string::npos) {
    host.resize(colon);
  }
  return host;
}

Status ParseVerifyNode(const YAML::Node& node, const std::string& at,
                       std::string* out) {
  if (!node.IsMap()) return Status::Config(at + ": `verify` must be a map");
  json j = YamlToJson(node);
  std::string text;
  try {
    text = j.dump();
  } catch (const json::exception&) {  // bytes that are not UTF-8
    return Status::Config(at + ": `verify` holds text that is not UTF-8");
  }
  auto spec = ParseVerifySpec(text);
  if (!spec.ok()) return Status::Config(at + ": " + spec.status().message());
  *out = std::move(text);
  return Status::OK();
}

}  // namespace keyward
