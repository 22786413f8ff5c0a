#!/usr/bin/env bash
# The SQL engine of the exactness tests: DuckDB and sqlglot (pinned, with numpy for DuckDB's
# Python functions), installed into DIR/sql-venv
# on first use (a sibling of moto.sh's moto-venv), then tests/support/sqlcheck.py run on stdin.
#
#   tests/support/sqlcheck.sh DIR < request.json > answer.json
set -euo pipefail

DUCKDB_VERSION="1.4.3"
SQLGLOT_VERSION="27.29.0"
NUMPY_VERSION="2.2.6"   # DuckDB's Python functions need it
dir="${1:-target}"
venv="$dir/sql-venv"
here="$(cd "$(dirname "$0")" && pwd)"

# The tests run side by side: one installs while the others wait for it (a second install would
# remove the venv under the first's feet).
mkdir -p "$dir"
exec 9>"$dir/sql-venv.lock"
flock 9
if ! "$venv/bin/python" -c "
import sys, duckdb, sqlglot, numpy
sys.exit(duckdb.__version__ != '$DUCKDB_VERSION' or sqlglot.__version__ != '$SQLGLOT_VERSION'
         or numpy.__version__ != '$NUMPY_VERSION')
" 2>/dev/null; then
    echo "sqlcheck.sh: installing duckdb==$DUCKDB_VERSION sqlglot==$SQLGLOT_VERSION into $venv" >&2
    mkdir -p "$dir"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "duckdb==$DUCKDB_VERSION" "sqlglot==$SQLGLOT_VERSION" "numpy==$NUMPY_VERSION" >&2
fi
flock -u 9
exec 9>&-
exec "$venv/bin/python" "$here/sqlcheck.py"
