# Generates a .cpp holding every judge template (evaluators/judge/templates/<judge>/<step>.txt) as
# a string, so the binary carries its prompts and a template edit rebuilds it. Run by the build
# (see CMakeLists.txt) with -DTEMPLATE_DIR=... -DOUTPUT=...
file(GLOB_RECURSE template_files RELATIVE "${TEMPLATE_DIR}" "${TEMPLATE_DIR}/*.txt")
list(SORT template_files)
set(body "// Generated from evaluators/judge/templates by embed_templates.cmake. Do not edit.\n")
string(APPEND body "#include \"evaluators/judge/embedded_templates.hpp\"\n\nnamespace evalgate {\n\n")
string(APPEND body "const std::vector<EmbeddedTemplate>& embedded_judge_templates()\n{\n")
string(APPEND body "  static const std::vector<EmbeddedTemplate> k_templates = {\n")
foreach(file IN LISTS template_files)
  file(READ "${TEMPLATE_DIR}/${file}" hex HEX)
  # Bytes as hex escapes: no delimiter can clash with template text.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
  string(REGEX REPLACE "\\.txt$" "" name "${file}")
  string(APPEND body "    {\"${name}\", std::string(\"${escaped}\", ")
  string(LENGTH "${hex}" hex_length)
  math(EXPR byte_length "${hex_length} / 2")
  string(APPEND body "${byte_length})},\n")
endforeach()
string(APPEND body "  };\n  return k_templates;\n}\n\n} // namespace evalgate\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
