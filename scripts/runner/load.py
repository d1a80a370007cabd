"""Load a user's CSV or Parquet files into the warehouse's `raw` schema.

Every value loads as text (staging types it), every row is stamped with its
load time, file and row number, and a load is all or nothing: a failed load
leaves `raw` as it was. CSV is read as RFC 4180 (doubled quotes inside a
quoted field are one quote). A line that does not split into the header's
columns is not dropped: it is loaded whole into `_raw_line`, with the
parser's reason in `_load_error`, and staging rejects it as `malformed_row`.
"""

import csv
import gzip
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .contract import (
    INCREMENTAL_STATE_TABLES,
    REQUIRED_COLUMNS,
    RESERVED_COLUMNS,
    contract_columns,
    normalize_column_name,
)
from .errors import UserError
from .paths import duckdb_settings

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".parquet")
ENCODINGS = ("utf-8", "utf-16", "latin-1")
# DuckDB's reader keeps the lines it cannot parse here, for one file at a time.
REJECTS_TABLE = "leadscore_csv_rejects"
REJECTS_SCAN = "leadscore_csv_scans"


@dataclass(frozen=True)
class ReadOptions:
    """How to read the user's files: the delimiter, encoding and longest line allowed."""

    delimiter: str | None = None
    encoding: str = "utf-8"
    max_line_size: int | None = None
    serial: bool = False


@dataclass(frozen=True)
class Dialect:
    """How a CSV file is written, as DuckDB's sniffer detected it."""

    delimiter: str
    quote: str
    escape: str


@dataclass(frozen=True)
class FilePlan:
    table: str
    path: Path
    kind: str
    header: list[str]
    names: list[str]
    dialect: Dialect | None = field(default=None)


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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader_sql(path: Path, kind: str, options: ReadOptions, header: list[str] | None = None,
                dialect: Dialect | None = None) -> str:
    """Parquet as text columns; CSV with the header and dialect read_header found."""
    if kind == "parquet":
        return f"(select columns(*)::varchar from read_parquet({_literal(str(path))}))"
    # The columns are the header's, not the sniffer's guess (a ragged line in a small file can
    # make it guess more): a line with extra fields or an unclosed quote is set aside in the
    # rejects table, and strict RFC 4180 parsing unescapes doubled quotes.
    columns = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in header)
    settings = ["auto_detect = false", "header = true", "null_padding = true",
                f"encoding = {_literal(options.encoding)}", f"columns = {{{columns}}}",
                f"delim = {_literal(dialect.delimiter)}", f"quote = {_literal(dialect.quote)}",
                f"escape = {_literal(dialect.escape)}", "store_rejects = true", "ignore_errors = true",
                f"rejects_table = '{REJECTS_TABLE}'", f"rejects_scan = '{REJECTS_SCAN}'"]
    if options.max_line_size:
        settings.append(f"max_line_size = {int(options.max_line_size)}")
    if options.serial:
        # DuckDB's parallel reader cannot pad rows of a file with newlines inside quoted fields.
        settings.append("parallel = false")
    return f"read_csv({_literal(str(path))}, {', '.join(settings)})"


def read_error(path: Path, kind: str, error: Exception, options: ReadOptions) -> UserError:
    """One line saying what is wrong with a file that DuckDB could not read, and what to try."""
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    where = f"line {line.group(1)}" if line else "the file"
    too_long = re.search(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:(\d+)", text)
    if too_long:
        limit, size = (int(n) for n in too_long.groups())
        return UserError(f"{path}: a line is {size:,} bytes, over the reader's limit of {limit:,}: check that its "
                         f"quotes are closed, or pass --max-line-size {size + 1024}")
    if "not utf-8 encoded" in text or "Invalid unicode" in text:
        return UserError(f"{path}: {where} is not valid {options.encoding.upper()}; if the file is Latin-1 or "
                         "Windows-1252, load it with --encoding latin-1 (or save it as UTF-8)")
    first_line = next((ln.strip() for ln in text.strip().splitlines()
                       if ln.strip() and not ln.startswith(("Invalid Input Error", "LINE "))), text.strip())
    return UserError(f"{path}: cannot be read as {kind.upper()} ({where}): {first_line}")


def read_header(con: duckdb.DuckDBPyConnection, path: Path, kind: str,
                options: ReadOptions) -> tuple[list[str], Dialect | None]:
    """The file's column names as its first line has them, and (CSV) its dialect."""
    if kind == "parquet":
        try:
            described = con.execute(f"describe select * from {_reader_sql(path, kind, options)}").fetchall()
        except duckdb.Error as error:
            raise read_error(path, kind, error, options) from None
        return [row[0] for row in described], None
    sniff_options = [f"encoding = {_literal(options.encoding)}", "null_padding = true", "ignore_errors = true"]
    if options.delimiter:
        sniff_options.append(f"delim = {_literal(options.delimiter)}")
    if options.max_line_size:
        sniff_options.append(f"max_line_size = {int(options.max_line_size)}")
    try:
        delimiter, quote, escape = con.execute(
            f"select Delimiter, Quote, Escape from sniff_csv({_literal(str(path))}, {', '.join(sniff_options)})"
        ).fetchone()
    except duckdb.Error as error:
        raise read_error(path, kind, error, options) from None
    # The sniffer says "(empty)" for a file without quotes: read it with RFC 4180's quote.
    quote = quote if quote and len(quote) == 1 and quote != "\x00" else '"'
    escape = escape if escape and len(escape) == 1 and escape != "\x00" else quote
    dialect = Dialect(delimiter or ",", quote, escape)
    python_encoding = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "latin-1": "latin-1"}[options.encoding]
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        # errors="replace": only the header is read here; a bad byte later is reported with its line.
        with opener(path, "rt", encoding=python_encoding, errors="replace", newline="") as handle:
            header = next(csv.reader(handle, delimiter=dialect.delimiter, quotechar=dialect.quote), [])
    except UnicodeDecodeError:
        raise UserError(f"{path}: the header is not valid {options.encoding.upper()}; if the file is Latin-1 or "
                        "Windows-1252, load it with --encoding latin-1 (or save it as UTF-8)") from None
    except csv.Error as error:
        raise UserError(f"{path}: cannot read the header line: {error}") from None
    return header, dialect


def check_columns(table: str, path: Path, header: list[str], renames: dict[str, str]) -> list[str]:
    """The normalised column names, or a UserError naming what is missing."""
    if not header or all(not h.strip() or h.startswith("column") for h in header):
        raise UserError(f"{path}: the header is empty; the first line must name the columns")
    unnamed = [h for h in header if not normalize_column_name(h)]
    if unnamed:
        raise UserError(f"{path}: column '{unnamed[0]}' has no letter or digit to name it by; rename it in the file")
    names = [renames.get(normalize_column_name(h), normalize_column_name(h)) for h in header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UserError(f"{path}: column(s) {', '.join(duplicates)} appear more than once in the header")
    for original, name in zip(header, names, strict=True):
        if name in RESERVED_COLUMNS:
            raise UserError(
                f"{path}: column '{original}' would be named '{name}', which the project derives or uses for "
                f"bookkeeping; load it under another name, e.g. --rename {name}:crm_{name}")
    missing = [c for c in REQUIRED_COLUMNS[table] if c not in names]
    if missing:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";|\t,"):
            hint = f" (the header was read as one column '{header[0]}': is the delimiter right? try --delimiter)"
        else:
            guesses = rename_suggestions(missing, [n for n in names if n not in contract_columns(table)])
            if guesses:
                hint = "; if those are yours under other names, try --rename " + ",".join(
                    f"{source}:{target}" for target, source in guesses.items())
        raise UserError(
            f"{path}: missing required {table} column(s) {', '.join(missing)}; "
            f"found {', '.join(names)}{hint}"
        )
    return names


# What a column a file lacks is likely called there instead, by the shape of its name.
_LOOKS_LIKE = {
    "lead_id": re.compile(r"(^|_)(lead|mql|contact|person|prospect|customer)(_id)?$|_id$|^id$"),
    "event_id": re.compile(r"(^|_)(event|activity|interaction)(_id)?$|_id$|^id$"),
    "event_type": re.compile(r"(^|_)(event|activity|action|interaction)?_?(type|name|kind)$"),
    "occurred_at": re.compile(r"(date|time|timestamp|_at|_on)$"),
    "converted_at": re.compile(r"(date|time|timestamp|_at|_on)$"),
}


def rename_suggestions(missing: list[str], candidates: list[str]) -> dict[str, str]:
    """{missing contract column: the file's column that likely holds it}, each candidate used once."""
    guesses: dict[str, str] = {}
    for target in missing:
        pattern = _LOOKS_LIKE.get(target)
        # A name that says what it is (mql_id, won_date) before a generic one (seller_id).
        ranked = sorted((c for c in candidates if pattern and pattern.search(c) and c not in guesses.values()),
                        key=lambda c: (not re.search(r"(lead|mql|contact|event|won|convert|occur|type)", c), c))
        if ranked:
            guesses[target] = ranked[0]
    return guesses


def extra_columns_note(plan: FilePlan) -> str | None:
    """Columns of an events or conversions file that nothing reads: said once, with what to do."""
    if plan.table == "leads":
        return None
    extra = [n for n in plan.names if n not in contract_columns(plan.table)]
    if not extra:
        return None
    return (f"note: {plan.path.name}: {len(extra)} column(s) no rule reads in a {plan.table} file "
            f"({', '.join(extra)}); they are kept in raw.{plan.table}. To score one, put it in the leads file, "
            "where every column is a lead attribute fit rules can read")


def plan_files(con, files: dict[str, Path], renames: dict[str, str], options: ReadOptions) -> dict[str, FilePlan]:
    """Check every file's kind and header before anything is written."""
    if options.encoding not in ENCODINGS:
        raise UserError(f"--encoding must be one of {', '.join(ENCODINGS)}, got '{options.encoding}'")
    plans = {}
    seen_headers: set[str] = set()
    for table, path in files.items():
        kind = _file_kind(path)
        header, dialect = read_header(con, path, kind, options)
        seen_headers.update(normalize_column_name(h) for h in header)
        plans[table] = FilePlan(table, path, kind, header, check_columns(table, path, header, renames), dialect)
    unused = sorted(set(renames) - seen_headers)
    if unused:
        raise UserError(f"--rename: no column named {', '.join(unused)} in "
                        f"{', '.join(str(p) for p in files.values())}; found {', '.join(sorted(seen_headers))}")
    return plans


def load_duckdb(database: Path, files: dict[str, Path], mode: str = "replace",
                renames: dict[str, str] | None = None, delimiter: str | None = None,
                loaded_at: datetime | None = None, progress=print, encoding: str = "utf-8",
                max_line_size: int | None = None) -> dict[str, int]:
    """Load files ({'leads': path, ...}) into raw.<table>; return rows loaded per table."""
    if mode not in ("replace", "append"):
        raise UserError(f"--mode must be replace or append, got '{mode}'")
    renames = renames or {}
    stamp = (loaded_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")
    options = ReadOptions(delimiter, encoding, max_line_size)
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _load_all(database, files, mode, renames, options, stamp, progress)
    except _NeedsSerialReader:
        progress("a file has line breaks inside quoted fields: reading it with the serial CSV reader")
        serial = ReadOptions(delimiter, encoding, max_line_size, serial=True)
        return _load_all(database, files, mode, renames, serial, stamp, progress)


class _NeedsSerialReader(Exception):
    pass


def connect(database: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(database), config=duckdb_settings())
    except duckdb.Error as error:
        raise UserError(f"{database}: cannot open the warehouse: {str(error).strip().splitlines()[0]}") from None


def _load_all(database, files, mode, renames, options: ReadOptions, stamp, progress) -> dict[str, int]:
    counts: dict[str, int] = {}
    # Files are checked on a connection of their own: a file refused leaves no warehouse file behind.
    with duckdb.connect(config=duckdb_settings()) as probe:
        plans = plan_files(probe, files, renames, options)
    for plan in plans.values():
        note = extra_columns_note(plan)
        if note:
            progress(note)
    with connect(database) as con:
        con.execute("begin transaction")
        try:
            con.execute("create schema if not exists raw")
            for table, plan in plans.items():
                progress(f"loading {plan.path} -> raw.{table} ({mode})")
                counts[table] = _load_one(con, plan, mode, stamp, options, progress)
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
            if not options.serial and "parallel=false" in str(error):
                raise _NeedsSerialReader() from None
            first_line = str(error).strip().splitlines()[0]
            raise UserError(f"load failed, raw tables left as they were: {first_line}") from None
    return counts


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_sql(plan: FilePlan, stamp: str, options: ReadOptions) -> str:
    """SQL reading one file as the raw table's rows: contract columns as text, plus bookkeeping."""
    selected = [f"{_quote(h)} as {_quote(n)}" for h, n in zip(plan.header, plan.names, strict=True)]
    missing = [c for c in contract_columns(plan.table) if c not in plan.names]
    selected += [f"cast(null as varchar) as {_quote(c)}" for c in missing]
    return (
        f"select {', '.join(selected)}, timestamp '{stamp}' as _loaded_at, "
        f"{_literal(plan.path.name)} as _source_file, row_number() over () as _source_row, "
        "cast(null as varchar) as _load_error, cast(null as varchar) as _raw_line "
        f"from {_reader_sql(plan.path, plan.kind, options, plan.header, plan.dialect)}"
    )


def malformed_lines_sql(plan: FilePlan, stamp: str, first_row: int) -> str:
    """The lines the CSV reader set aside, as raw rows: every data column null, the line kept whole."""
    columns = [f"cast(null as varchar) as {_quote(c)}"
               for c in dict.fromkeys([*plan.names, *contract_columns(plan.table)])]
    return (
        f"select {', '.join(columns)}, timestamp '{stamp}' as _loaded_at, {_literal(plan.path.name)} as _source_file, "
        f"{int(first_row)} + row_number() over (order by line) as _source_row, "
        "'line ' || line || ': ' || error_types as _load_error, csv_line as _raw_line "
        f"from (select line, string_agg(distinct error_type, ', ' order by error_type) as error_types, "
        f"min(csv_line) as csv_line from {REJECTS_TABLE} group by line)"
    )


def forget_malformed_lines(con) -> None:
    """DuckDB adds each scan's rejects to the same tables: empty them before reading a file."""
    con.execute(f"drop table if exists {REJECTS_TABLE}")
    con.execute(f"drop table if exists {REJECTS_SCAN}")


def check_malformed_lines(con, plan: FilePlan, options: ReadOptions) -> int:
    """How many lines were set aside; a file in the wrong encoding fails the load instead."""
    if plan.kind != "csv":
        return 0
    bad_encoding = con.execute(
        f"select min(line) from {REJECTS_TABLE} where error_type = 'INVALID ENCODING'").fetchone()[0]
    if bad_encoding is not None:
        raise UserError(f"{plan.path}: line {bad_encoding} is not valid {options.encoding.upper()}; if the file is "
                        "Latin-1 or Windows-1252, load it with --encoding latin-1 (or save it as UTF-8)")
    return con.execute(f"select count(distinct line) from {REJECTS_TABLE}").fetchone()[0]


def _load_one(con, plan: FilePlan, mode, stamp, options: ReadOptions, progress=print) -> int:
    table = plan.table
    missing = [c for c in contract_columns(table) if c not in plan.names]
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?", [table]
    ).fetchone()[0]
    if mode == "append" and exists:
        # Incremental builds pick up rows loaded after their last run: load times must only grow.
        latest = con.execute(f"select max(_loaded_at) from raw.{table}").fetchone()[0]
        if latest is not None and str(latest) >= stamp:
            raise UserError(f"--loaded-at {stamp} is not after the latest load of raw.{table} ({latest}); "
                            "appended batches must be stamped later than what is already loaded")
    select = select_sql(plan, stamp, options)
    forget_malformed_lines(con)
    try:
        if mode == "replace" or not exists:
            con.execute(f"create or replace table raw.{table} as {select}")
            loaded = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
        else:
            current = {r[0] for r in con.execute(f"describe raw.{table}").fetchall()}
            for column in [*plan.names, *missing, "_load_error", "_raw_line"]:
                if column not in current:
                    con.execute(f"alter table raw.{table} add column {_quote(column)} varchar")
            loaded = con.execute(f"insert into raw.{table} by name {select}").fetchone()[0]
    except duckdb.Error as error:
        if "parallel=false" in str(error) or "Maximum line size" not in str(error):
            raise
        raise read_error(plan.path, plan.kind, error, options) from None
    if check_malformed_lines(con, plan, options):
        added = con.execute(f"insert into raw.{table} by name {malformed_lines_sql(plan, stamp, loaded)}").fetchone()[0]
        progress(f"note: {plan.path.name}: {added:,} line(s) do not split into the header's columns; they are kept "
                 "whole and rejected as malformed_row (marts.data_quality_rejects after build)")
        loaded += added
    return loaded


def _ensure_table(con, table: str, replace: bool = False) -> None:
    """An empty raw table in contract shape, so a missing optional file is no error."""
    columns = ", ".join(f"{_quote(c)} varchar" for c in contract_columns(table))
    bookkeeping = "_loaded_at timestamp, _source_file varchar, _source_row bigint, _load_error varchar, _raw_line varchar"
    create = "create or replace table" if replace else "create table if not exists"
    con.execute(f"{create} raw.{table} ({columns}, {bookkeeping})")
