#!/usr/bin/env sh
# Writes the completion scripts and the man page from the binary built from this checkout.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-target/debug/isitdown}
"$bin" --generate bash > completions/isitdown.bash
"$bin" --generate zsh > completions/_isitdown
"$bin" --generate fish > completions/isitdown.fish
"$bin" --generate powershell > completions/_isitdown.ps1
"$bin" --generate elvish > completions/isitdown.elv
"$bin" --generate man > doc/isitdown.1
