#pragma once
// evaluators/heuristic/unicode_text: the code-point view of a UTF-8 text that the text metrics
// (levenshtein, BLEU, ROUGE, SQuAD) share, so "a character" and "a space" mean the same in each.
// Pure functions, thread-safe. No ICU: the classifications below cover what the metric
// definitions need and are documented in docs/evaluators.md.

#include <string>
#include <string_view>
#include <vector>

namespace evalgate {

// Code points of `text`; each invalid byte becomes one code point U+FFFD, so nothing is dropped.
std::u32string decode_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view text);

// Python's str.isspace() for the code points a text plausibly holds (ASCII, U+0085, U+00A0,
// U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000, and the ASCII separators 0x1C–0x1F).
bool is_unicode_space(char32_t c);

// ASCII letters, digits and underscore, or any non-ASCII code point that is not a space or in a
// punctuation/symbol block (U+00A1–U+00BF, U+00D7, U+00F7, U+2010–U+206F, U+2190–U+2BFF,
// U+3000–U+303F, U+FF01–U+FF0F, U+1F000–U+1FAFF emoji): what a regex `\w` matches in practice.
bool is_word_char(char32_t c);

// Lower case for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals; other code points
// are returned as they are.
char32_t to_lower(char32_t c);

// Split on runs of is_unicode_space (Python's str.split() with no argument).
std::vector<std::u32string> split_whitespace(std::u32string_view text);

} // namespace evalgate
