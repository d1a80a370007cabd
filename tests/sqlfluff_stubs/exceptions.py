"""Stand-in for dbt's `exceptions` context so sqlfluff can render models."""


def raise_compiler_error(message):
    return ""


def warn(message):
    return ""
