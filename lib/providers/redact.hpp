#pragma once
// providers/redact: keeps API keys out of any text evalgate stores, logs or reports (DESIGN.md
// "Secrets"; providers.md §7: error bodies can echo a key, whole or masked). Pure, thread-safe.

#include <string>
#include <vector>

namespace evalgate {

// Replaces every occurrence of each secret, and masked echoes of it ("sk-VKMIs***wjh3",
// "sk-...wjh3", "sk-…wjh3": a token containing '*', "..." or '…' that starts with the secret's first
// 3 characters and ends with its last 4), with
// "***". Secrets shorter than 6 characters are ignored: too short to be keys, too likely to hit
// ordinary words.
std::string redact_secrets(std::string text, const std::vector<std::string>& secrets);

} // namespace evalgate
