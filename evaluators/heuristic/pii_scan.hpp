#pragma once
// evaluators/heuristic/pii_scan: finds personal data in a text without regexes (linear scans, so
// any output size is safe). Kinds and rules (docs/evaluators.md, `no-pii`):
//   email  local@domain.tld — local part [A-Za-z0-9._%+-], domain labels [A-Za-z0-9-] with a dot
//          and a final label of >= 2 letters
//   card   13–19 digits, single spaces or hyphens allowed between them, passing the Luhn check
//   iban   2 capital letters, 2 check digits, then capitals/digits (single spaces allowed) for a
//          total of 15–34 characters, passing the ISO 13616 mod-97 check
//   phone  10–15 digits with separators (space . - ( )) that either starts with '+' or has at
//          least two separators, and is not a card number
// Pure, thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace evalgate {

struct PiiFinding {
  std::string kind;   // email | card | iban | phone
  std::string masked; // j***@example.com, ****1111, DE89****3000, ***9999
};

std::vector<PiiFinding> scan_pii(std::string_view text);

bool luhn_valid(std::string_view digits);
bool iban_valid(std::string_view compact); // no spaces, upper case

} // namespace evalgate
