#!/usr/bin/env bash
# Writes evalgate.1 (troff) from `evalgate --help` and each subcommand's --help, so the man page
# never drifts from the binary. Usage: gen-manpage.sh path/to/evalgate out.1
set -euo pipefail
bin=$1
out=$2

escape() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\&'/" -e 's/^-/\\-/'; }

version=$("$bin" --version 2>/dev/null | head -n1 || echo unknown)
subcommands=$("$bin" --help | awk '/^Subcommands:/ {on=1; next} on && /^$/ {on=0} on && /^  [a-z]/ {print $1}')

{
  echo ".TH EVALGATE 1 \"\" \"evalgate ${version##* }\" \"User Commands\""
  echo ".SH NAME"
  echo "evalgate \\- evaluation and regression gate for LLM applications"
  echo ".SH SYNOPSIS"
  echo ".B evalgate"
  echo "\\fISUBCOMMAND\\fR [\\fIOPTIONS\\fR]"
  echo ".SH DESCRIPTION"
  echo ".nf"
  "$bin" --help | sed "s|$bin|evalgate|g" | escape
  echo ".fi"
  for sub in $subcommands; do
    echo ".SH \"evalgate $sub\""
    echo ".nf"
    "$bin" "$sub" --help | sed "s|$bin|evalgate|g" | escape
    echo ".fi"
  done
  echo ".SH EXIT STATUS"
  echo "0 gate passed; 1 gate failed; 2 usage, config or data error; 3 infrastructure failure; 130 interrupted (resumable)."
  echo ".SH SEE ALSO"
  echo "/usr/share/doc/evalgate/"
} > "$out"
