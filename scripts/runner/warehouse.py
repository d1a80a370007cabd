"""Read the marts back for summaries, validation, exports and charts.

Every user value reaches SQL as a bound parameter (`params`), never as text.
A warehouse that is missing, not built, locked or not a DuckDB file is a
UserError: one line saying what to do, not a traceback.
"""

import duckdb
import pandas as pd

from .errors import UserError
from .paths import duckdb_path


def read_sql(query: str, target: str = "duckdb", params: list | None = None) -> pd.DataFrame:
    """Run a read-only query against the target warehouse and return a DataFrame."""
    if target != "duckdb":
        from .engines import read_sql_engine

        return read_sql_engine(query, target, params)
    path = duckdb_path()
    if not path.exists():
        raise UserError(f"{path}: no warehouse here yet; run `leadscore load` and `leadscore build` first "
                        "(or point LEADSCORE_DUCKDB at your warehouse file)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        text = str(error)
        if "lock" in text.lower():
            raise UserError(f"{path}: another process is writing the warehouse (a build?); try again when it "
                            "ends, or read the copy `build --reader-copy` publishes") from None
        raise UserError(f"{path}: not a DuckDB warehouse file ({text.strip().splitlines()[0]})") from None
    try:
        with con:
            return con.execute(query, params or []).df()
    except duckdb.CatalogException as error:
        raise UserError(f"{path}: {_missing_relation(error)} is not there: the marts are not built yet; "
                        "run `leadscore build`") from None
    except duckdb.Error as error:
        raise UserError(f"{path}: {str(error).strip().splitlines()[0]}") from None


def _missing_relation(error: Exception) -> str:
    first = str(error).strip().splitlines()[0]
    for marker in ("Table with name ", "Schema with name "):
        if marker in first:
            return first.split(marker, 1)[1].split(" ", 1)[0]
    return "a table the query reads"
