#!/usr/bin/python3
"""Reference values for evalgate's text metrics, from the reference implementations.

Writes tests/fixtures/evaluators/text_metrics_reference.json, which is committed; the C++ tests
(tests/evaluators/text_metrics_reference_test.cpp) check every value against it. Re-run after
changing the pairs:  /usr/bin/python3 tests/reference/gen_text_metrics.py (Debian python3-nltk)

  BLEU         nltk.translate.bleu_score.sentence_bleu / corpus_bleu, default weights, tokens =
               str.split(); smoothing none (method0) and SmoothingFunction().method1.
  edit         nltk.edit_distance over the code points; similarity 1 - d / max(len), both empty -> 1.
  ROUGE-1/2/L  F-measure as rouge_score computes it (no stemming), implemented here from the
               definitions (n-gram multiset overlap; LCS by dynamic programming) over the tokenisation
               stated in docs/evaluators.md.
  SQuAD        normalize_answer / exact_match_score / f1_score copied from the official v1.1 script.
"""
import collections
import json
import os
import re
import string
import sys

import nltk
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

# --- SQuAD v1.1 evaluation script (verbatim definitions) ---------------------------------------


def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


def f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = collections.Counter(prediction_tokens) & collections.Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


# --- ROUGE (rouge_score's scoring, no stemmer) ------------------------------------------------

# Non-ASCII code points that are separators rather than word characters (docs/evaluators.md).
_NON_WORD = re.compile(
    "[\u00a1-\u00bf\u00d7\u00f7\u2010-\u206f\u2190-\u2bff\u3000-\u303f\uff01-\uff0f\U0001f000-\U0001faff]"
)


def rouge_tokens(text):
    text = "".join(c.lower() if c < "\x80" else c for c in text)
    out, current = [], []
    for c in text:
        keep = ("a" <= c <= "z") or ("0" <= c <= "9") or (c >= "\x80" and not c.isspace() and not _NON_WORD.match(c))
        if keep:
            current.append(c)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def ngrams(tokens, n):
    return collections.Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def fmeasure(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def rouge_n(candidate, reference, n):
    c, r = ngrams(rouge_tokens(candidate), n), ngrams(rouge_tokens(reference), n)
    overlap = sum((c & r).values())
    return fmeasure(overlap / max(sum(c.values()), 1), overlap / max(sum(r.values()), 1))


def lcs_length(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


def rouge_l(candidate, reference):
    c, r = rouge_tokens(candidate), rouge_tokens(reference)
    if not c or not r:
        return 0.0
    lcs = lcs_length(c, r)
    return fmeasure(lcs / len(c), lcs / len(r))


# --- pairs ------------------------------------------------------------------------------------

LONG_REF = " ".join(f"token{i % 37} word{i % 11}" for i in range(300))
LONG_HYP = " ".join(f"token{i % 37} word{i % 13}" for i in range(290))

PAIRS = [
    ("the cat sat on the mat", "the cat sat on the mat"),
    ("the cat is on the mat", "the cat sat on the mat"),
    ("a cat sat on a mat", "the cat sat on the mat"),
    ("The Cat Sat On The Mat.", "the cat sat on the mat"),
    ("", ""),
    ("", "the reference answer"),
    ("a non-empty output", ""),
    ("Paris", "Paris"),
    ("paris.", "Paris"),
    ("Paris", "The capital is Paris"),
    ("It is Paris, France.", "Paris"),
    ("1990", "in 1990"),
    ("The answer is 42", "42"),
    ("forty two", "42"),
    ("kitten", "sitting"),
    ("flaw", "lawn"),
    ("intention", "execution"),
    ("café au lait", "cafe au lait"),
    ("naïve résumé", "naive resume"),
    ("Ünïcödé ÀÉÎÕÜ text", "ünïcödé àéîõü text"),
    ("Привет мир", "привет мир"),
    ("Москва — столица России", "Столица России — Москва"),
    ("東京は日本の首都です", "日本の首都は東京です"),
    ("東京 は 日本 の 首都 です", "日本 の 首都 は 東京 です"),
    ("emoji 👍 test 🎉", "emoji test 🎉"),
    ("ΑΘΗΝΑ είναι πόλη", "αθηνα είναι πόλη"),
    ("Łódź is a city", "łódź is a city"),
    ("!!!", "???"),
    ("...hello, world!!!", "hello world"),
    ("(a) [b] {c} <d>", "a b c d"),
    ("e-mail: user@example.com; phone: +1 (555) 010-9999", "email user example com phone 1 555 010 9999"),
    ("don't stop believing", "dont stop believin'"),
    ("the the the the the the the", "the cat is on the mat"),
    ("on the mat the cat sat", "the cat sat on the mat"),
    ("It is a guide to action which ensures that the military always obeys the commands of the party",
     "It is a guide to action that ensures that the military will forever heed Party commands"),
    ("It is to insure the troops forever hearing the activity guidebook that party direct",
     "It is a guide to action that ensures that the military will forever heed Party commands"),
    ("he read the book because he was interested in world history",
     "he was interested in world history because he read the book"),
    ("the quick brown fox jumps over the lazy dog", "a quick brown dog jumps over the lazy fox"),
    ("The quick brown fox", "The quick brown fox jumps over the lazy dog"),
    ("one two three four five", "one two three four five six seven eight nine ten"),
    ("one two three four five six seven eight nine ten", "one two three four five"),
    ("one", "one"),
    ("one two", "one two"),
    ("one two three", "one two three"),
    ("two one", "one two"),
    ("a b c d e f g", "g f e d c b a"),
    ("the", "the"),
    ("an apple a day", "the apple the day"),
    ("The Eiffel Tower is in Paris, the capital of France.", "Paris"),
    ("Barack Obama", "President Barack Obama"),
    ("Denver Broncos", "The Denver Broncos"),
    ("Santa Clara, California", "Santa Clara California"),
    ("  spaced   out\ttext\nwith lines  ", "spaced out text with lines"),
    ("tab\tseparated\tvalues", "tab separated values"),
    ("nonbreaking\u00a0space here", "nonbreaking space here"),
    ("Mixed CASE Words Here", "mixed case words here"),
    ("repeated repeated repeated words", "repeated words"),
    ("word", "different"),
    ("abc", "abd"),
    ("x" * 200, "x" * 190 + "y" * 10),
    (LONG_HYP, LONG_REF),
    ("The model's output — with an em dash — and «quotes».", "The model's output with an em dash and quotes."),
    ("Numbers 3.14 and 2,718 and 1e10", "numbers 314 and 2718 and 1e10"),
    ("I'm sorry, but I can't help with that.", "I cannot help with that request."),
    ("The refund will arrive in 5 business days.", "Your refund arrives within 5 business days."),
]


def main():
    smooth = SmoothingFunction()
    rows = []
    for output, reference in PAIRS:
        hyp, ref = output.split(), reference.split()
        distance = nltk.edit_distance(output, reference)
        longest = max(len(output), len(reference))
        rows.append(
            {
                "output": output,
                "reference": reference,
                "bleu_none": float(sentence_bleu([ref], hyp)),
                "bleu_method1": float(sentence_bleu([ref], hyp, smoothing_function=smooth.method1)),
                "edit_distance": distance,
                "levenshtein": 1.0 if longest == 0 else 1.0 - distance / longest,
                "rouge1": rouge_n(output, reference, 1),
                "rouge2": rouge_n(output, reference, 2),
                "rougeL": rouge_l(output, reference),
                "exact_match": bool(exact_match_score(output, reference)),
                "f1": float(f1_score(output, reference)),
                "squad_normalized": normalize_answer(output),
            }
        )
    hyps = [o.split() for o, _ in PAIRS]
    refs = [[r.split()] for _, r in PAIRS]
    document = {
        "generator": "tests/reference/gen_text_metrics.py",
        "nltk_version": nltk.__version__,
        "python_version": sys.version.split()[0],
        "corpus_bleu_none": float(corpus_bleu(refs, hyps)),
        "corpus_bleu_method1": float(corpus_bleu(refs, hyps, smoothing_function=smooth.method1)),
        "pairs": rows,
    }
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = os.path.join(root, "tests", "fixtures", "evaluators", "text_metrics_reference.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=1)
        out.write("\n")
    print(f"wrote {len(rows)} pairs to {path}")


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    main()
