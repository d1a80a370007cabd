"""Read the marts back for summaries, validation, exports and charts.

Every user value reaches SQL as a bound parameter (`params`), never as text.
A warehouse that is missing, not built, locked or not a DuckDB file is a
UserError: one line saying what to do, not a traceback.
"""

import duckdb
import pandas as pd

from .errors import UserError
from .paths import duckdb_path, duckdb_settings


def read_sql(query: str, target: str = "duckdb", params: list | None = None) -> pd.DataFrame:
    """Run a read-only query against the target warehouse and return a DataFrame."""
    if target != "duckdb":
        from .engines import read_sql_engine

        return read_sql_engine(query, target, params)
    path = duckdb_path()
    if not path.exists():
        raise UserError(f"{path}: no warehouse here yet; run `python scripts/leadscore.py load`, then `build` "
                        "(or point LEADSCORE_DUCKDB at your warehouse file)")
    try:
        con = duckdb.connect(str(path), read_only=True, config=duckdb_settings())
    except duckdb.Error as error:
        text = str(error)
        if "lock" in text.lower():
            raise UserError(f"{path}: another process is writing the warehouse (a build?); try again when it "
                            "ends, or read the copy `build --reader-copy` publishes") from None
        raise UserError(f"{path}: not a DuckDB warehouse file (or one this DuckDB cannot open); point "
                        "LEADSCORE_DUCKDB at the warehouse `load` made") from None
    try:
        with con:
            return con.execute(query, params or []).df()
    except duckdb.CatalogException as error:
        raise UserError(f"{path}: the project is not built yet ({_missing_relation(error)} is missing); "
                        "run `python scripts/leadscore.py build`") from None
    except duckdb.Error as error:
        raise UserError(f"{path}: {str(error).strip().splitlines()[0]}") from None


def _missing_relation(error: Exception) -> str:
    first = str(error).strip().splitlines()[0]
    for marker in ("Table with name ", "Schema with name "):
        if marker in first:
            return first.split(marker, 1)[1].split(" ", 1)[0]
    return "a table the query reads"


def execute(statements: list[tuple[str, list]], target: str = "duckdb") -> None:
    """Run write statements (with `?` parameters) in one transaction where the engine has one."""
    if target == "duckdb":
        from .load import connect

        with connect(duckdb_path()) as con:
            con.execute("begin transaction")
            for statement, params in statements:
                con.execute(statement, params)
            con.execute("commit")
        return
    from .engines import execute_engine

    execute_engine(statements, target)
