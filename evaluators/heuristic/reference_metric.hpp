#pragma once
// evaluators/heuristic/reference_metric: the shape shared by the evaluators that compare the
// output with a reference text (levenshtein, bleu, rouge-*, exact-match, f1). The reference is
// the templated `value` key, or the case's `expected` field when `value` is absent; a case with
// neither is an errored score ("no reference: set `value` or give the case an `expected` field").
// `value` may be a list of references where allowed: the best one counts (SQuAD's max over golds).
// The score is the metric itself; pass = score >= threshold. Immutable; evaluate() is thread-safe.

#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

// metric(output, reference) in [0, 1], or an error (an errored score) when it cannot be computed,
// e.g. inputs too long for a quadratic algorithm.
using ReferenceMetricFn =
    std::function<Result<double>(const std::string& output, const std::string& reference)>;

// Quadratic metrics (levenshtein, rouge-l) refuse inputs whose table would exceed this many cells:
// a 300 KB output against a 300 KB reference would otherwise hold a worker for minutes.
constexpr double k_max_table_cells = 1e8;

// The error for a too-large table: "output and reference too long for levenshtein (20000 × 9000
// code points > 100000000 cells)".
Result<double> table_too_large(std::string_view metric, std::size_t rows, std::size_t columns,
                               std::string_view unit);

// Validates the common keys plus `value`, reads the threshold (default `default_threshold`) and
// builds the evaluator. `label` starts every reason: "rouge-l 0.6667 >= 0.5 against '...'".
Result<EvaluatorPtr> make_reference_metric(const EvaluatorSpec& spec, std::string label,
                                           double default_threshold, ReferenceMetricFn metric);

// The same for a caller that has already checked its keys (one with options beyond `value`).
// `allow_list` false: `value` must be one string (bleu, whose multi-reference form is not a max).
Result<EvaluatorPtr> build_reference_metric(const SpecReader& reader, std::string label,
                                            double default_threshold, bool allow_list,
                                            ReferenceMetricFn metric);

} // namespace evalgate
