# Turns scanner/data/bpe_merges.txt into a C++ source holding it as a raw
# string (keyward::wordiness_data::kBpeMerges, read by scanner/wordiness.cc),
# so that no file is needed at run time.
#   cmake -DIN=bpe_merges.txt -DOUT=bpe_merges.cc -P embed_merges.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")bpe\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )bpe\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from scanner/data/bpe_merges.txt by "
  "scanner/data/embed_merges.cmake. Do not edit.\n"
  "#include <string_view>\n\n"
  "namespace keyward::wordiness_data {\n"
  "extern const std::string_view kBpeMerges;\n"
  "const std::string_view kBpeMerges = R\"bpe(${content})bpe\";\n"
  "}  // namespace keyward::wordiness_data\n")
file(RENAME "${OUT}.tmp" "${OUT}")
