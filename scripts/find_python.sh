#!/usr/bin/env bash
# Prints the interpreter the venv is made with: Python 3.12 where one is found (on PATH,
# or installed by pyenv but not selected), else python3.
#
# Why 3.12: spaCy's setup.py turns Cython's `profile` directive on for Python below 3.12,
# so its wheels for 3.11 carry profiling hooks that take and drop the GIL in every
# compiled function, the parser's transition loop included. The same model with the same
# analyses runs about 1.8 times as fast from the 3.12 wheels. 3.11 still works, slower.
set -u
candidates=(python3.12)
if command -v pyenv >/dev/null 2>&1; then
  for p in "$(pyenv root)"/versions/3.12*/bin/python3.12; do candidates+=("$p"); done
fi
candidates+=(python3)
for p in "${candidates[@]}"; do
  if "$p" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
    echo "$p"
    exit 0
  fi
done
echo "newslake needs Python 3.11 or newer (3.12 preferred); none found" >&2
echo python3
