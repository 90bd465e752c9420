// Jupyter notebooks: cell sources and text outputs (source/notebook.h).
#include "source/notebook.h"

#include <nlohmann/json.hpp>

#include "base/json_file.h"

namespace keyward {
namespace {

using nlohmann::json;

// A multiline string of nbformat: one string, or a list of lines that
// already end in "\n" (joined as they are). Anything else is no text.
std::string MultiText(const json* v) {
  if (v == nullptr) return "";
  if (v->is_string()) return v->get<std::string>();
  std::string out;
  if (v->is_array()) {
    for (const json& line : *v) {
      if (line.is_string()) out += line.get_ref<const std::string&>();
    }
  }
  return out;
}

const json* Field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// The text of a rich output: `text/plain` when it has one (the same value
// in `text/html` would be a second copy of each finding), else its first
// other `text/*` entry.
std::string RichText(const json& data) {
  if (!data.is_object()) return "";
  if (const json* plain = Field(data, "text/plain")) return MultiText(plain);
  for (auto it = data.begin(); it != data.end(); ++it) {
    if (it.key().rfind("text/", 0) == 0) return MultiText(&it.value());
  }
  return "";
}

std::string OutputText(const json& output) {
  if (!output.is_object()) return "";
  const json* type = Field(output, "output_type");
  std::string kind = type && type->is_string() ? type->get<std::string>() : "";
  if (kind == "stream") return MultiText(Field(output, "text"));
  if (kind == "error" || kind == "pyerr") {
    std::string out = MultiText(Field(output, "ename"));
    std::string value = MultiText(Field(output, "evalue"));
    if (!value.empty()) out += (out.empty() ? "" : ": ") + value;
    if (const json* tb = Field(output, "traceback"); tb && tb->is_array()) {
      for (const json& line : *tb) {
        if (line.is_string()) out += "\n" + line.get<std::string>();
      }
    }
    return out;
  }
  if (const json* data = Field(output, "data")) return RichText(*data);
  return MultiText(Field(output, "text"));  // nbformat 3: pyout, display_data
}

void ReadCells(const json& cells, std::vector<NotebookText>* out, int* count) {
  for (const json& cell : cells) {
    if (!cell.is_object()) continue;
    const std::string name = "cell-" + std::to_string(++*count);
    const json* source = Field(cell, "source");
    if (source == nullptr) source = Field(cell, "input");  // nbformat 3
    if (std::string text = MultiText(source); !text.empty()) {
      out->push_back({name, std::move(text)});
    }
    const json* outputs = Field(cell, "outputs");
    if (outputs == nullptr || !outputs->is_array()) continue;
    int n = 0;
    for (const json& output : *outputs) {
      n++;
      if (std::string text = OutputText(output); !text.empty()) {
        out->push_back(
            {name + "!output-" + std::to_string(n), std::move(text)});
      }
    }
  }
}

}  // namespace

bool IsNotebookPath(std::string_view path) {
  return path.size() > 6 && path.substr(path.size() - 6) == ".ipynb";
}

bool ParseNotebook(std::string_view text, std::vector<NotebookText>* out,
                   int* cells) {
  *cells = 0;
  // Depth-checked before parsing (base/json_file.h), as source maps are.
  auto parsed = ParseJsonFile(text, "notebook");
  if (!parsed.ok() || !parsed->is_object()) return false;
  const json& doc = *parsed;
  std::vector<NotebookText> found;
  if (const json* c = Field(doc, "cells"); c && c->is_array()) {
    ReadCells(*c, &found, cells);
  } else if (const json* ws = Field(doc, "worksheets"); ws && ws->is_array()) {
    for (const json& sheet : *ws) {
      if (const json* c = Field(sheet, "cells"); c && c->is_array()) {
        ReadCells(*c, &found, cells);
      }
    }
  } else {
    return false;
  }
  for (auto& t : found) out->push_back(std::move(t));
  return true;
}

}  // namespace keyward
