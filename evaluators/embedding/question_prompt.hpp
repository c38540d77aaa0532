#pragma once
// evaluators/embedding/question_prompt: the judge exchange of answer-relevance-embedding. The
// judge is asked for `count` questions that the answer responds to and whether the answer is
// noncommittal, as JSON. The answer is untrusted data: it sits between delimiters that are
// escaped inside it, and the prompt tells the judge to ignore instructions found there.
// Pure functions, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

// Names the prompt's wording in Score.details; bump when the text below changes.
inline constexpr const char* k_question_prompt_version = "answer-relevance-embedding/generate@1";

std::vector<Message> question_generation_messages(std::string_view answer, int count);

struct GeneratedQuestions {
  std::vector<std::string> questions; // non-empty strings, in the judge's order
  bool noncommittal = false;
};

// Reads {"questions": [...], "noncommittal": 0|1|true|false} from the judge's reply: bare JSON, a
// fenced ```json block, or an object with prose around it. Fails (category data) with what was
// wrong when no such object is found; the caller re-asks once, then reports it.
Result<GeneratedQuestions> parse_generated_questions(std::string_view reply);

} // namespace evalgate
