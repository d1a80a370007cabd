"""Files other tools read: exports and the reader copy, each written whole or not at all.

A file is written beside its target under a temporary name, flushed to disk,
then renamed over the target. A rename within one directory is atomic, so a
reader (or a CRM sync) sees the previous file or the new one, never half of
one; a kill or a full disk mid-write leaves the previous file as it was.
"""

import os
from pathlib import Path

import duckdb
import pandas as pd

from .errors import UserError
from .paths import duckdb_path, duckdb_settings


def _temporary_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _replace_atomically(write, target: Path) -> None:
    """Call write(temporary_path), then move the result over target."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{target}: cannot create its folder: {error.strerror}") from None
    temporary = _temporary_beside(target)
    try:
        write(temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise UserError(f"{target}: cannot write it ({error.strerror}); the previous file, if any, is unchanged") \
            from None
    finally:
        temporary.unlink(missing_ok=True)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    # DuckDB writes the Parquet file: pandas would need pyarrow, which the project does not install.
    with duckdb.connect() as con:
        con.register("export_frame", frame)
        con.execute("copy export_frame to '" + str(path).replace("'", "''") + "' (format parquet)")


def write_frame_atomically(frame: pd.DataFrame, target: Path) -> None:
    if target.suffix == ".parquet":
        _replace_atomically(lambda path: _write_parquet(frame, path), target)
    else:
        _replace_atomically(lambda path: frame.to_csv(path, index=False), target)


def write_text_atomically(target: Path, text: str) -> None:
    _replace_atomically(lambda path: path.write_text(text, encoding="utf-8"), target)


def write_reader_copy(target: Path) -> None:
    """Every mart of the warehouse as tables in a DuckDB file of their own."""
    source = duckdb_path()

    def write(path: Path) -> None:
        path.unlink(missing_ok=True)
        with duckdb.connect(str(path), config=duckdb_settings()) as con:
            con.execute("attach '" + str(source).replace("'", "''") + "' as warehouse (read_only)")
            names = [row[0] for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'warehouse' and table_schema = 'marts' order by table_name").fetchall()
                # The history's index (and a half-written one) is the build's bookkeeping, not a mart.
                if not row[0].endswith(("__latest", "__latest_next"))]
            con.execute("create schema marts")
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                con.execute(f"create table marts.{quoted} as select * from warehouse.marts.{quoted}")
            con.execute("detach warehouse")

    if target.resolve() == source.resolve():
        raise UserError(f"{target}: the reader copy must be another file than the warehouse")
    try:
        _replace_atomically(write, target)
    except duckdb.Error as error:
        raise UserError(f"{target}: cannot write the reader copy: {str(error).strip().splitlines()[0]}") from None
