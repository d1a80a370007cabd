"""Loading into and reading from PostgreSQL and Spark.

Files are checked and normalised exactly as for DuckDB (the same header rules,
all values as text, the same bookkeeping columns), staged by DuckDB into one
file per table, then bulk-loaded with each engine's own path: `COPY ... FROM
STDIN` for PostgreSQL, Spark's Parquet reader and `saveAsTable` for Spark.
"""

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import load
from .contract import BOOKKEEPING_COLUMNS, INCREMENTAL_STATE_TABLES, REQUIRED_COLUMNS, contract_columns
from .errors import UserError
from .paths import PROJECT_DIR, duckdb_settings

BOOKKEEPING = BOOKKEEPING_COLUMNS


# -- connections --------------------------------------------------------------------------------------------


def pg_settings() -> dict:
    return {
        "host": os.environ.get("LEADSCORE_PG_HOST", "localhost"),
        "port": int(os.environ.get("LEADSCORE_PG_PORT", "5432")),
        "user": os.environ.get("LEADSCORE_PG_USER", "leadscore"),
        "password": os.environ.get("LEADSCORE_PG_PASSWORD", "leadscore"),
        "dbname": os.environ.get("LEADSCORE_PG_DATABASE", "leadscore"),
    }


def pg_connect():
    import psycopg2

    settings = pg_settings()
    try:
        return psycopg2.connect(**settings, connect_timeout=5)
    except psycopg2.OperationalError as error:
        first_line = str(error).strip().splitlines()[0]
        raise UserError(f"cannot connect to PostgreSQL at {settings['host']}:{settings['port']} "
                        f"(LEADSCORE_PG_* variables): {first_line}") from None


def spark_warehouse() -> Path:
    path = Path(os.environ.get("LEADSCORE_SPARK_WAREHOUSE", PROJECT_DIR / "spark-warehouse"))
    return path if path.is_absolute() else PROJECT_DIR / path


def spark_session():
    """The local Spark session, configured as profiles.yml configures dbt-spark's."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UserError("the spark target needs pyspark and dbt-spark: pip install -r requirements-spark.txt") from None
    warehouse = spark_warehouse()
    warehouse.mkdir(parents=True, exist_ok=True)
    return (
        SparkSession.builder.appName("leadscore")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("LEADSCORE_SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={warehouse / 'metastore_db'};create=true")
        .enableHiveSupport()
        .getOrCreate()
    )


# -- load ---------------------------------------------------------------------------------------------------


def _stage(files: dict[str, Path], renames: dict[str, str], options: "load.ReadOptions", stamp: str,
           scratch: Path, file_format: str) -> dict[str, tuple[Path, list[str], int]]:
    """Check every file, then write each as one normalised file: {table: (path, columns, rows)}."""
    staged = {}
    with duckdb.connect(config=duckdb_settings()) as con:
        plans = load.plan_files(con, files, renames, options)
        for table, plan in plans.items():
            columns = list(plan.names) + [c for c in contract_columns(table) if c not in plan.names]
            load.forget_malformed_lines(con)
            con.execute(f"create temp table staged_{table} as {load.select_sql(plan, stamp, options)}")
            rows = con.execute(f"select count(*) from staged_{table}").fetchone()[0]
            if load.check_malformed_lines(con, plan, options):
                con.execute(f"insert into staged_{table} by name {load.malformed_lines_sql(plan, stamp, rows)}")
            out = scratch / f"{table}.{file_format}"
            copy_options = "(format parquet)" if file_format == "parquet" else "(header true)"
            column_list = ", ".join(load._quote(c) for c in [*columns, *BOOKKEEPING])
            con.execute(f"copy (select {column_list} from staged_{table}) to '{out}' {copy_options}")
            rows = con.execute(f"select count(*) from '{out}'").fetchone()[0]
            staged[table] = (out, columns, rows)
    return staged


def load_engine(target: str, files: dict[str, Path], mode: str = "replace", renames: dict | None = None,
                delimiter: str | None = None, loaded_at: datetime | None = None, progress=print,
                encoding: str = "utf-8", max_line_size: int | None = None) -> dict[str, int]:
    stamp = (loaded_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S")
    options = load.ReadOptions(delimiter, encoding, max_line_size, serial=True)
    with tempfile.TemporaryDirectory(prefix="leadscore-load-") as scratch:
        if target == "postgres":
            staged = _stage(files, renames or {}, options, stamp, Path(scratch), "csv")
            return _load_postgres(staged, mode, stamp, progress)
        if target == "spark":
            staged = _stage(files, renames or {}, options, stamp, Path(scratch), "parquet")
            return _load_spark(staged, mode, stamp, progress)
    raise UserError(f"unknown target '{target}'")


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _load_postgres(staged, mode: str, stamp: str, progress) -> dict[str, int]:
    import psycopg2

    counts = {}
    connection = pg_connect()
    try:
        with connection, connection.cursor() as cursor:  # one transaction: all or nothing
            cursor.execute("create schema if not exists raw")
            for table in REQUIRED_COLUMNS:
                if table in staged:
                    path, columns, rows = staged[table]
                    progress(f"loading {path.name} -> raw.{table} ({mode}, COPY)")
                    _pg_prepare(cursor, table, columns, mode, stamp)
                    column_list = ", ".join(_pg_quote(c) for c in [*columns, *BOOKKEEPING])
                    with path.open() as handle:
                        cursor.copy_expert(f"copy raw.{table} ({column_list}) from stdin with (format csv, header true)",
                                           handle)
                    counts[table] = rows
                else:
                    _pg_prepare(cursor, table, list(contract_columns(table)), "replace" if mode == "replace" else "keep",
                                stamp)
            if mode == "replace":
                for state_table in INCREMENTAL_STATE_TABLES:
                    # cascade: the views dbt built on the state go too; the next build recreates them.
                    cursor.execute(f"drop table if exists {state_table} cascade")
    except psycopg2.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise UserError(f"load failed, raw tables left as they were: {first_line}") from None
    finally:
        connection.close()
    return counts


def _pg_prepare(cursor, table: str, columns: list[str], mode: str, stamp: str) -> None:
    cursor.execute("select column_name from information_schema.columns where table_schema = 'raw' "
                   "and table_name = %s", [table])
    existing = [row[0] for row in cursor.fetchall()]
    if not existing:
        definitions = ", ".join(f"{_pg_quote(c)} text" for c in columns)
        cursor.execute(f"create table raw.{table} ({definitions}, _loaded_at timestamp, _source_file text, "
                       "_source_row bigint, _load_error text, _raw_line text)")
        return
    for column in ("_load_error", "_raw_line"):
        if column not in existing:  # raw tables loaded before these columns existed
            cursor.execute(f"alter table raw.{table} add column {column} text")
    if mode == "replace":
        # Emptied, not dropped: dbt's staging views depend on the raw tables. A column the new
        # file lacks goes (with the views reading it; the next build recreates them), as DuckDB's
        # create-or-replace drops it: a replace load holds exactly the new file's columns.
        cursor.execute(f"truncate table raw.{table}")
        for column in existing:
            if not column.startswith("_") and column not in columns:
                cursor.execute(f"alter table raw.{table} drop column {_pg_quote(column)} cascade")
    elif mode == "append":
        cursor.execute(f"select max(_loaded_at) from raw.{table}")
        latest = cursor.fetchone()[0]
        if latest is not None and str(latest) >= stamp:
            raise UserError(f"--loaded-at {stamp} is not after the latest load of raw.{table} ({latest}); "
                            "appended batches must be stamped later than what is already loaded")
    if mode in ("replace", "append"):
        for column in columns:
            if column not in existing:
                cursor.execute(f"alter table raw.{table} add column {_pg_quote(column)} text")


def _load_spark(staged, mode: str, stamp: str, progress) -> dict[str, int]:
    from pyspark.sql import functions as F

    spark = spark_session()
    spark.sql("create database if not exists raw")
    counts = {}
    for table in REQUIRED_COLUMNS:
        name = f"raw.{table}"
        exists = spark.catalog.tableExists(name)
        if table in staged:
            path, columns, rows = staged[table]
            progress(f"loading {path.name} -> {name} ({mode}, saveAsTable)")
            frame = spark.read.parquet(str(path))
            frame = frame.withColumn("_loaded_at", F.col("_loaded_at").cast("timestamp"))
            if mode == "append" and exists:
                latest = spark.sql(f"select cast(max(_loaded_at) as string) from {name}").first()[0]
                if latest is not None and latest[:19] >= stamp:
                    raise UserError(f"--loaded-at {stamp} is not after the latest load of {name} ({latest})")
                for column in frame.columns:
                    if column not in spark.table(name).columns:
                        spark.sql(f"alter table {name} add columns (`{column}` string)")
                target_columns = spark.table(name).columns
                aligned = frame.select([
                    F.col(c) if c in frame.columns else F.lit(None).cast("string").alias(c) for c in target_columns
                ])
                aligned.write.insertInto(name)
            else:
                frame.write.mode("overwrite").saveAsTable(name)
            counts[table] = rows
        elif mode == "replace" or not exists:
            columns = ", ".join(f"`{c}` string" for c in contract_columns(table))
            spark.sql(f"drop table if exists {name}")
            spark.sql(f"create table {name} ({columns}, _loaded_at timestamp, _source_file string, "
                      "_source_row bigint, _load_error string, _raw_line string) using parquet")
    if mode == "replace":
        for state_table in INCREMENTAL_STATE_TABLES:
            spark.sql(f"drop table if exists {state_table}")
    return counts


# -- read ---------------------------------------------------------------------------------------------------


def _pg_placeholders(statement: str) -> str:
    """The runner writes `?`; psycopg2 binds `%s`."""
    return statement.replace("?", "%s")


def _spark_named(statement: str, params: list | None) -> tuple[str, dict | None]:
    """`?` placeholders as Spark's named parameters, which Spark binds itself (never pasted as text)."""
    named = {f"p{i}": value for i, value in enumerate(params or [])}
    for name in named:
        statement = statement.replace("?", f":{name}", 1)
    return statement, named or None


def read_sql_engine(query: str, target: str, params: list | None = None) -> pd.DataFrame:
    """The query's rows; `?` placeholders are bound to params by each engine's own driver."""
    if target == "postgres":
        import psycopg2

        connection = pg_connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(_pg_placeholders(query), params or None)
                columns = [d[0] for d in cursor.description]
                return pd.DataFrame(cursor.fetchall(), columns=columns)
        except psycopg2.errors.UndefinedTable as error:
            raise UserError(f"postgres: {str(error).strip().splitlines()[0]}: the marts are not built yet; "
                            "run `python scripts/leadscore.py build --target postgres`") from None
        finally:
            connection.close()
    if target == "spark":
        from pyspark.errors import AnalysisException

        try:
            statement, named = _spark_named(query, params)
            return spark_session().sql(statement, args=named).toPandas()
        except AnalysisException as error:
            raise UserError(f"spark: {str(error).strip().splitlines()[0]}") from None
    raise UserError(f"unknown target '{target}'")


def execute_engine(statements: list[tuple[str, list]], target: str) -> None:
    if target == "postgres":
        connection = pg_connect()
        try:
            with connection, connection.cursor() as cursor:  # one transaction
                for statement, params in statements:
                    cursor.execute(_pg_placeholders(statement), params or None)
        finally:
            connection.close()
        return
    if target == "spark":
        spark = spark_session()
        for statement, params in statements:
            spark.sql(*_spark_named(statement, params))
        return
    raise UserError(f"unknown target '{target}'")
