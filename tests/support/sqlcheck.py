"""Runs shipdeck's Athena SQL over local log files in DuckDB, for the exactness tests.

Reads a JSON request on stdin:
  {"tables": [{"name": "db.table", "format": "text|json|parquet", "delimiter": "\t",
               "skip": 2, "columns": [[name, type, source], ...],
               "files": [{"path": "/abs/file", "extra": {"$path": "s3://...", "year": 2026}}]}],
   "queries": [{"id": "...", "sql": "SELECT ..."}],
   "copies": [{"sql": "SELECT ...", "path": "/abs/out.parquet", "row_group_size": 1000}]}
("copies", optional: each query's rows written by DuckDB as a Parquet file, snappy.)
Each table is a view with the DDL's columns and types over its files, as Athena's SerDes read
them: delimited text read as strings, then cast (a value that does not parse is NULL, as
LazySimpleSerDe makes it); JSON keys and Parquet columns by name, every value a string; the
partition columns and "$path" of each file added. Each query is parsed as Trino SQL and written
for DuckDB by sqlglot; Trino's IPADDRESS `contains(network, address)` is emulated with Python's
ipaddress (IPv4 held as IPv4-mapped IPv6, as Trino does). Writes {"results": {id: [{column: value}]}, "errors": {id: message}}.
"""

import ipaddress
import json
import sys

import duckdb
import sqlglot
from sqlglot import exp

TYPES = {"string": "VARCHAR", "bigint": "BIGINT", "double": "DOUBLE", "date": "DATE", "int": "INTEGER"}


def lit(text):
    return "'" + str(text).replace("'", "''") + "'"


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def ip_contains(network, address):
    if network is None or address is None:
        return None
    try:
        addr = ipaddress.ip_address(address)
        net = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return None
    if addr.version == 4:
        addr = ipaddress.IPv6Address("::ffff:" + str(addr))
    if net.version == 4:
        net = ipaddress.IPv6Network(f"::ffff:{net.network_address}/{net.prefixlen + 96}")
    return addr in net


def file_select(table, f):
    cols = table["columns"]
    path = lit(f["path"])
    if table["format"] == "text":
        spec = "{" + ", ".join(f"{lit(c[0])}: 'VARCHAR'" for c in cols) + "}"
        source = (f"read_csv({path}, delim={lit(table['delimiter'])}, header=false, "
                  f"skip={table.get('skip', 0)}, quote='', escape='', columns={spec}, "
                  "auto_detect=false, null_padding=true, all_varchar=true)")
        exprs = []
        for name, ty, _ in cols:
            if ty == "string":
                exprs.append(f"{ident(name)} AS {ident(name)}")
            else:
                exprs.append(f"TRY_CAST({ident(name)} AS {TYPES[ty]}) AS {ident(name)}")
    elif table["format"] == "json":
        spec = "{" + ", ".join(f"{lit(c[2])}: 'VARCHAR'" for c in cols) + "}"
        source = f"read_json({path}, format='newline_delimited', columns={spec})"
        exprs = [f"{ident(c[2])} AS {ident(c[0])}" for c in cols]
    else:
        source = f"read_parquet({path})"
        exprs = [f"CAST({ident(c[0])} AS VARCHAR) AS {ident(c[0])}" for c in cols]
    for key, value in f["extra"].items():
        exprs.append(f"{lit(value) if isinstance(value, str) else value} AS {ident(key)}")
    return f"SELECT {', '.join(exprs)} FROM {source}"


def duck_sql(sql):
    def address(node):
        if isinstance(node, exp.TryCast) and node.to.this == exp.DataType.Type.IPADDRESS:
            return node.this
        return node

    def contains(node):
        if isinstance(node, exp.ArrayContains):
            return exp.Anonymous(this="ip_contains", expressions=[node.this, node.expression])
        return node

    tree = sqlglot.parse_one(sql, read="trino").transform(address).transform(contains)
    return tree.sql(dialect="duckdb")


def main():
    req = json.load(sys.stdin)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # Tables of a few thousand rows: one thread plans and runs a query faster than several.
    con.execute("SET threads = 1")
    con.create_function("ip_contains", ip_contains, ["VARCHAR", "VARCHAR"], "BOOLEAN",
                        null_handling="special")
    for table in req["tables"]:
        schema, name = table["name"].split(".")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}")
        body = "\nUNION ALL BY NAME\n".join(file_select(table, f) for f in table["files"])
        # A table, not a view: the files are read once, not once a query.
        con.execute(f"CREATE TABLE {ident(schema)}.{ident(name)} AS {body}")
    # Files DuckDB writes itself (another writer's Parquet, for the readers' tests).
    for c in req.get("copies", []):
        con.execute(f"COPY ({c['sql']}) TO {lit(c['path'])} (FORMAT parquet, "
                    f"COMPRESSION snappy, ROW_GROUP_SIZE {int(c['row_group_size'])})")
    results, errors = {}, {}
    for q in req["queries"]:
        try:
            cur = con.execute(duck_sql(q["sql"]))
            rows = cur.fetchall()
            names = [d[0] for d in cur.description]
            results[q["id"]] = [
                {n: (v if isinstance(v, (int, float, str)) or v is None else str(v))
                 for n, v in zip(names, row)}
                for row in rows]
        except Exception as e:  # noqa: BLE001 - reported back to the test, which fails
            errors[q["id"]] = f"{e}\n{duck_sql(q['sql']) if 'sqlglot' not in str(type(e)) else ''}"
    json.dump({"results": results, "errors": errors}, sys.stdout)


main()
