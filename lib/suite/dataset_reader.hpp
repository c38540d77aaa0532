#pragma once
// suite/dataset_reader: reads one dataset file into cases. Format by extension: .jsonl (one JSON
// object per line; blank lines skipped), .csv (header row, RFC 4180 quoting incl. quoted commas
// and newlines), .json (array of objects), .yaml/.yml (list of mappings). Each row's fields become
// vars; reserved fields id, expected, context, tags, metadata, evaluators are lifted into Case.
// A malformed row is an error (category data) at "file:row N" (CSV/JSONL) or "file:line:col".
// `display_path` is what errors and Case.dataset show; `path` is what is opened.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

Result<std::vector<Case>> read_dataset(const std::string& path, const std::string& display_path);

} // namespace evalgate
