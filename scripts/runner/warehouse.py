"""Read the marts back for summaries, validation, exports and charts."""

import duckdb
import pandas as pd

from .paths import duckdb_path


def read_sql(query: str, target: str = "duckdb") -> pd.DataFrame:
    """Run a read-only query against the target warehouse and return a DataFrame."""
    if target != "duckdb":
        from .engines import read_sql_engine

        return read_sql_engine(query, target)
    with duckdb.connect(str(duckdb_path()), read_only=True) as con:
        return con.execute(query).df()
