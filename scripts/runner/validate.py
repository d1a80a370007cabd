"""Great Expectations suites over the marts (GX Core 1.x, pandas DataFrames)."""


def validate_marts(target: str = "duckdb", max_reject_share: float | None = None) -> bool:
    print("validation: not yet implemented")
    return True
