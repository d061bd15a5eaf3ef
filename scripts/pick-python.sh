#!/bin/sh
# Prints the interpreter the Makefile builds .venv with; explains on stderr.
#
# $PYTHON if set (and fit), otherwise the first fit one of the names below on PATH. "Fit" means a
# version every pin in requirements*.txt supports: Django 5.2 runs on 3.10 to 3.14, but the pinned
# Markdown 3.11 and Pillow 13 need 3.11 or newer (and Python 3.10 reached its end of life in
# October 2026), so the range is 3.11 to 3.14. Keep MIN/MAX and README "Supported Python" in step.
MIN_MINOR=11
MAX_MINOR=14
CANDIDATES="python3.14 python3.13 python3.12 python3.11 python3"

# "3.13" for an interpreter that runs, nothing for one that does not (a pyenv shim of a version
# that is not selected exits non-zero).
version_of() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

fits() {
  case "$1" in
    3.*) minor=${1#3.} ;;
    *) return 1 ;;
  esac
  [ "$minor" -ge "$MIN_MINOR" ] 2>/dev/null && [ "$minor" -le "$MAX_MINOR" ]
}

# Debian and Ubuntu ship venv's ensurepip apart (python3.X-venv); without it `-m venv` fails late.
has_venv() {
  "$1" -c 'import ensurepip, venv' >/dev/null 2>&1
}

choose() {
  version=$(version_of "$1")
  if [ -z "$version" ]; then
    rejected="$rejected
  $1: does not run"
    return 1
  fi
  if ! fits "$version"; then
    rejected="$rejected
  $1: Python $version (3.$MIN_MINOR to 3.$MAX_MINOR are supported)"
    return 1
  fi
  if ! has_venv "$1"; then
    rejected="$rejected
  $1: Python $version without the venv module (Debian/Ubuntu: apt-get install python$version-venv)"
    return 1
  fi
  echo "make: building .venv with $1 (Python $version)" >&2
  command -v "$1"
}

rejected=""
if [ -n "$PYTHON" ]; then
  choose "$PYTHON" && exit 0
  echo "make: PYTHON=$PYTHON cannot build .venv:$rejected" >&2
  echo "      Unset PYTHON to pick one from PATH, or name another: make run PYTHON=/path/to/python3.13" >&2
  exit 1
fi
for name in $CANDIDATES; do
  command -v "$name" >/dev/null 2>&1 || continue
  choose "$name" && exit 0
done
echo "make: no Python from 3.$MIN_MINOR to 3.$MAX_MINOR with venv is on PATH (looked for: $CANDIDATES).${rejected:+
      Found but unfit:$rejected}" >&2
echo "      Install one (Debian 13: apt-get install python3.13 python3.13-venv; Ubuntu 24.04: python3.12 python3.12-venv;
      Debian 12: python3.11 python3.11-venv), or name one: make run PYTHON=/path/to/python3" >&2
exit 1
