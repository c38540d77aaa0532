#pragma once
// suite/dataset_formats: the per-format halves of read_dataset (dataset_reader.hpp). Each reader
// turns its rows into field objects and hands them to make_case, which lifts the reserved fields.
// Internal to the suite module.

#include <istream>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "suite/dataset_reader.hpp"

namespace evalgate::suite_detail {

// The longest JSONL line or CSV record a dataset may hold: far above any real case (a 1M-token
// context is ~4 MiB), and a bound on what one row can cost in memory and time. A longer row is a
// located error, found without reading the rest of it.
inline constexpr std::size_t k_max_row_bytes = 16 * 1024 * 1024;
inline constexpr const char* k_max_row_text = "16 MiB";

// Where a dataset's rows come from, for errors, default ids and Case.dataset.
struct DatasetSource {
  std::string display; // the path as written in the suite
  std::string stem;    // file name without extension: default ids are "<stem>-<row>"
};

// Lifts id, expected, context, tags, metadata and evaluators out of one row's fields. Every field
// but `evaluators` stays in vars. `csv` = values are strings, so `metadata` and `evaluators`
// cells are parsed as JSON. Errors are category data at `where`.
Result<Case> make_case(Json fields, const DatasetSource& source, long row, const Location& where, bool csv);

// Each reader hands its cases to `sink` in order, as they are read, and returns how many it
// read; an error from the sink stops the read and is returned.
// One JSON object per line; row = physical line number; blank lines skipped; BOM tolerated.
Result<std::size_t> read_jsonl(std::istream& in, const DatasetSource& source, const CaseSink& sink);
// RFC 4180 with a header; row = record number with the header as row 1.
Result<std::size_t> read_csv(std::istream& in, const DatasetSource& source, const CaseSink& sink);
// A JSON array of objects (`json`) or a YAML list of mappings; row = 1-based element index,
// locations are line:column.
Result<std::size_t> read_tree(const std::string& text, const DatasetSource& source, bool json,
                              const CaseSink& sink);

} // namespace evalgate::suite_detail
