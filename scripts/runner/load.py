"""Load a user's CSV or Parquet files into the warehouse's `raw` schema.

Every value loads as text (staging types it), every row is stamped with its
load time, file and row number, and a load is all or nothing: a failed load
leaves `raw` as it was.
"""

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .contract import INCREMENTAL_STATE_TABLES, REQUIRED_COLUMNS, contract_columns, normalize_column_name
from .errors import UserError

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".parquet")


def parse_renames(spec: str | None) -> dict[str, str]:
    """'mql_id:lead_id,origin:lead_source' -> {'mql_id': 'lead_id', 'origin': 'lead_source'}."""
    renames: dict[str, str] = {}
    for pair in (spec or "").split(","):
        if not pair.strip():
            continue
        if ":" not in pair:
            raise UserError(f"--rename: '{pair}' is not written source:target")
        source, target = pair.split(":", 1)
        renames[normalize_column_name(source)] = normalize_column_name(target)
    return renames


def _file_kind(path: Path) -> str:
    name = path.name.lower()
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir() or not any(name.endswith(s) for s in SUPPORTED_SUFFIXES):
        raise UserError(f"{path}: not a CSV or Parquet file (expected one of {', '.join(SUPPORTED_SUFFIXES)})")
    if path.stat().st_size == 0:
        raise UserError(f"{path}: the file is empty (no header)")
    return "parquet" if name.endswith(".parquet") else "csv"


def _reader_sql(path: Path, kind: str, delimiter: str | None, serial: bool = False) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if kind == "parquet":
        return f"(select columns(*)::varchar from read_parquet({quoted}))"
    # null_padding keeps short (ragged) rows instead of failing the file; staging rejects what they lack.
    options = ["header = true", "all_varchar = true", "strict_mode = false", "null_padding = true"]
    if serial:
        # DuckDB's parallel reader cannot pad rows of a file with newlines inside quoted fields.
        options.append("parallel = false")
    if delimiter:
        options.append("delim = '" + delimiter.replace("'", "''") + "'")
    return f"read_csv({quoted}, {', '.join(options)})"


def read_header(con: duckdb.DuckDBPyConnection, path: Path, kind: str, delimiter: str | None) -> list[str]:
    try:
        described = con.execute(f"describe select * from {_reader_sql(path, kind, delimiter)}").fetchall()
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise UserError(f"{path}: cannot be read as {kind.upper()}: {first_line}") from None
    return [row[0] for row in described]


def check_columns(table: str, path: Path, header: list[str], renames: dict[str, str]) -> list[str]:
    """The normalised column names, or a UserError naming what is missing."""
    if not header or all(not h.strip() or h.startswith("column") for h in header):
        raise UserError(f"{path}: the header is empty; the first line must name the columns")
    names = [renames.get(normalize_column_name(h), normalize_column_name(h)) for h in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UserError(f"{path}: column(s) {', '.join(duplicates)} appear more than once in the header")
    missing = [c for c in REQUIRED_COLUMNS[table] if c not in names]
    if missing:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";|\t,"):
            hint = f" (the header was read as one column '{header[0]}': is the delimiter right? try --delimiter)"
        raise UserError(
            f"{path}: missing required {table} column(s) {', '.join(missing)}; "
            f"found {', '.join(names)}{hint}"
        )
    return names


def load_duckdb(database: Path, files: dict[str, Path], mode: str = "replace",
                renames: dict[str, str] | None = None, delimiter: str | None = None,
                loaded_at: datetime | None = None, progress=print) -> dict[str, int]:
    """Load files ({'leads': path, ...}) into raw.<table>; return rows loaded per table."""
    if mode not in ("replace", "append"):
        raise UserError(f"--mode must be replace or append, got '{mode}'")
    renames = renames or {}
    stamp = (loaded_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _load_all(database, files, mode, renames, delimiter, stamp, progress, serial=False)
    except _NeedsSerialReader:
        progress("a file has line breaks inside quoted fields: reading it with the serial CSV reader")
        return _load_all(database, files, mode, renames, delimiter, stamp, progress, serial=True)


class _NeedsSerialReader(Exception):
    pass


def _load_all(database, files, mode, renames, delimiter, stamp, progress, serial) -> dict[str, int]:
    counts: dict[str, int] = {}
    with duckdb.connect(str(database)) as con:
        # Check every file before touching the warehouse.
        plans = {}
        for table, path in files.items():
            kind = _file_kind(path)
            header = read_header(con, path, kind, delimiter)
            plans[table] = (path, kind, header, check_columns(table, path, header, renames))
        con.execute("begin transaction")
        try:
            con.execute("create schema if not exists raw")
            for table, (path, kind, header, names) in plans.items():
                progress(f"loading {path} -> raw.{table} ({mode})")
                counts[table] = _load_one(con, table, path, kind, header, names, mode, stamp, delimiter, serial)
            for table in REQUIRED_COLUMNS:
                # Replace swaps the whole raw data set: a table with no file becomes empty, never stale.
                _ensure_table(con, table, replace=(mode == "replace" and table not in plans))
            if mode == "replace":
                for state_table in INCREMENTAL_STATE_TABLES:
                    con.execute(f"drop table if exists {state_table}")
            con.execute("commit")
        except UserError:
            con.execute("rollback")
            raise
        except duckdb.Error as error:
            con.execute("rollback")
            if not serial and "parallel=false" in str(error):
                raise _NeedsSerialReader() from None
            first_line = str(error).strip().splitlines()[0]
            raise UserError(f"load failed, raw tables left as they were: {first_line}") from None
    return counts


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_sql(table, path, kind, header, names, stamp, delimiter, serial) -> str:
    """SQL reading one file as the raw table's rows: contract columns as text, plus bookkeeping."""
    selected = [f"{_quote(h)} as {_quote(n)}" for h, n in zip(header, names, strict=True)]
    missing = [c for c in contract_columns(table) if c not in names]
    selected += [f"cast(null as varchar) as {_quote(c)}" for c in missing]
    file_name = path.name.replace("'", "''")
    return (
        f"select {', '.join(selected)}, timestamp '{stamp}' as _loaded_at, "
        f"'{file_name}' as _source_file, row_number() over () as _source_row "
        f"from {_reader_sql(path, kind, delimiter, serial)}"
    )


def _load_one(con, table, path, kind, header, names, mode, stamp, delimiter, serial) -> int:
    missing = [c for c in contract_columns(table) if c not in names]
    select = select_sql(table, path, kind, header, names, stamp, delimiter, serial)
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?", [table]
    ).fetchone()[0]
    if mode == "append" and exists:
        # Incremental builds pick up rows loaded after their last run: load times must only grow.
        latest = con.execute(f"select max(_loaded_at) from raw.{table}").fetchone()[0]
        if latest is not None and str(latest) >= stamp:
            raise UserError(f"--loaded-at {stamp} is not after the latest load of raw.{table} ({latest}); "
                            "appended batches must be stamped later than what is already loaded")
    if mode == "replace" or not exists:
        con.execute(f"create or replace table raw.{table} as {select}")
        return con.execute(f"select count(*) from raw.{table}").fetchone()[0]
    current = {r[0] for r in con.execute(f"describe raw.{table}").fetchall()}
    for column in list(names) + missing:
        if column not in current:
            con.execute(f"alter table raw.{table} add column {_quote(column)} varchar")
    return con.execute(f"insert into raw.{table} by name {select}").fetchone()[0]


def _ensure_table(con, table: str, replace: bool = False) -> None:
    """An empty raw table in contract shape, so a missing optional file is no error."""
    columns = ", ".join(f"{_quote(c)} varchar" for c in contract_columns(table))
    bookkeeping = "_loaded_at timestamp, _source_file varchar, _source_row bigint"
    create = "create or replace table" if replace else "create table if not exists"
    con.execute(f"{create} raw.{table} ({columns}, {bookkeeping})")

