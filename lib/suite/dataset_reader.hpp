#pragma once
// suite/dataset_reader: reads one dataset file into cases. Format by extension: .jsonl (one JSON
// object per line; blank lines skipped), .csv (header row, RFC 4180 quoting incl. quoted commas
// and newlines), .json (array of objects), .yaml/.yml (list of mappings). Each row's fields become
// vars; reserved fields id, expected, context, tags, metadata, evaluators are lifted into Case.
// A malformed row is an error (category data) at "file:row N" (CSV/JSONL) or "file:line:col".
// `display_path` is what errors and Case.dataset show; `path` is what is opened.
// Rows: JSONL = physical line number; CSV = record number with the header as row 1; JSON/YAML =
// 1-based element index (locations are line:col). Default ids are "<display stem>-<row>".
// Every field but `evaluators` stays in Case.vars. An empty dataset is an error ("no cases").
// Case ids are not checked for uniqueness here: load_suite does that across all datasets.
// JSONL and CSV are streamed, one row at most 16 MiB; JSON and YAML are parsed whole, a file at
// most 16 MiB (k_max_row_bytes).

#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

Result<std::vector<Case>> read_dataset(const std::string& path, const std::string& display_path);

// Takes one case as it is read; an error stops the read and becomes read_dataset's.
using CaseSink = std::function<Result<void>(Case&&)>;
// The same, streamed: each case goes to `sink` as it is read, so a dataset of any size is never
// held as Case structs (load_suite keeps them in a CaseList). Returns how many cases were read.
Result<std::size_t> read_dataset(const std::string& path, const std::string& display_path, const CaseSink& sink);

} // namespace evalgate
