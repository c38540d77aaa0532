#pragma once
// evaluators/judge/verdict_parser: reads a judge's reply into a JSON object, defensively. Judges
// are asked for one JSON object but answer in many shapes; tried in order:
//   1. the whole reply is a JSON object;
//   2. a fenced ```json (or bare ```) block holding an object;
//   3. a JSON object embedded in prose (the last balanced {...} that parses);
//   4. a last "GRADE: X" / "Score: N" / "Verdict: X" line → {"grade": "X"} / {"score": N} / {"verdict": "X"}.
// Only the reply is read, never the prompt, so text injected into the judged output cannot reach
// the verdict except through the judge itself. Pure; thread-safe.

#include <optional>
#include <string_view>

#include "core/types.hpp"

namespace evalgate {

std::optional<Json> parse_verdict(std::string_view reply);

} // namespace evalgate
