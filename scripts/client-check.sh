#!/usr/bin/env bash
# The Python client's tests (clients/python/tests) on a Python newer than the server's 3.10: the
# client is a package of its own, and a bank's backend may run any Python from 3.8 on.
# Uses the newest of python3.13, 3.12, 3.11 found on PATH or in pyenv's versions (CLIENT_PYTHON=/path
# picks one; it must be newer than 3.10). clients/python/.venv is made with it and the versions pinned
# in clients/python/constraints.txt, and made again only when those pins, the client's pyproject.toml
# or the interpreter change. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENT=clients/python
VENV=$CLIENT/.venv

newer_than_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] > (3, 10) else 1)' >/dev/null 2>&1; }

find_python() {
    if [ -n "${CLIENT_PYTHON:-}" ]; then
        newer_than_310 "$CLIENT_PYTHON" && { echo "$CLIENT_PYTHON"; return 0; }
        echo "error: CLIENT_PYTHON=$CLIENT_PYTHON is not a Python newer than 3.10" >&2
        return 1
    fi
    local roots=() version p
    command -v pyenv >/dev/null 2>&1 && roots+=("$(pyenv root 2>/dev/null)")
    roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
    for version in 3.13 3.12 3.11; do
        candidates=()
        p=$(command -v "python$version" 2>/dev/null) && candidates+=("$p")
        for root in "${roots[@]}"; do
            for p in "$root"/versions/"$version".*/bin/python"$version"; do
                [ -x "$p" ] && candidates+=("$p")
            done
        done
        for p in "${candidates[@]}"; do
            newer_than_310 "$p" && { echo "$p"; return 0; }
        done
    done
    echo "error: no Python newer than 3.10 found for the client's tests (looked on PATH for python3.13," >&2
    echo "       python3.12, python3.11, and in pyenv's versions/3.1[123].*). Install one (e.g. 'pyenv install 3.12')" >&2
    echo "       or set CLIENT_PYTHON=/path/to/python3.12." >&2
    return 1
}

PYTHON=$(find_python)
VERSION=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')
STAMP=$VENV/.installed-$( (cat "$CLIENT/constraints.txt" "$CLIENT/pyproject.toml"; echo "$PYTHON $VERSION") | sha256sum | cut -c1-16)

if [ ! -f "$STAMP" ]; then
    echo "client-check: creating $VENV with Python $VERSION ($PYTHON): the pins changed or it did not exist"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    pip=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$CLIENT/constraints.txt")
    # setuptools first, from the pins, so that building the client needs no unpinned build environment.
    "${pip[@]}" setuptools
    "${pip[@]}" --no-build-isolation -e "$CLIENT[test]"
    touch "$STAMP"
fi

echo "client-check: Python $VERSION, $VENV"
"$VENV/bin/python" -m pytest "$CLIENT/tests" -q "$@"
