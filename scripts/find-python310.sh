#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter: PATH first, then pyenv's versions.
# Rasa 3.6.21 supports Python >=3.8,<3.11; the project pins 3.10.
set -u
is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
for name in python3.10 python3 python; do
    p=$(command -v "$name" 2>/dev/null) && candidates+=("$p")
done
roots=()
command -v pyenv >/dev/null 2>&1 && roots+=("$(pyenv root 2>/dev/null)")
roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
for root in "${roots[@]}"; do
    for p in "$root"/versions/3.10.*/bin/python3.10; do
        [ -x "$p" ] && candidates+=("$p")
    done
done
for p in /usr/local/bin/python3.10 /usr/bin/python3.10; do
    [ -x "$p" ] && candidates+=("$p")
done

for p in "${candidates[@]}"; do
    if is_310 "$p"; then
        echo "$p"
        exit 0
    fi
done
echo "error: no Python 3.10 interpreter found (looked on PATH for python3.10/python3/python and in pyenv's versions/3.10.*)." >&2
echo "       Rasa 3.6.21 needs Python >=3.8,<3.11. Install Python 3.10 (e.g. 'pyenv install 3.10') or set PYTHON310=/path/to/python3.10." >&2
exit 1
