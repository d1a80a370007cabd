"""Stand-ins for dbt's cross-database macros, so sqlfluff's jinja templater can
render models without a warehouse. They return DuckDB-shaped SQL."""


def concat(fields):
    return "concat(" + ", ".join(fields) + ")"


def position(substring, string):
    return f"position({substring} in {string})"


def right(string, length):
    return f"right({string}, {length})"


def length(expression):
    return f"length({expression})"


def split_part(string, delimiter, part):
    return f"split_part({string}, {delimiter}, {part})"


def hash(field):  # noqa: A001 - mirrors dbt.hash
    return f"md5(cast({field} as varchar))"


def dateadd(datepart, interval, from_date):
    return f"date_add({from_date}, interval ({interval}) {datepart})"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def escape_single_quotes(value):
    return str(value).replace("'", "''")


def type_int():
    return "integer"


def type_bigint():
    return "bigint"


def type_timestamp():
    return "timestamp"


def equals(expr1, expr2):
    return f"({expr1} is not distinct from {expr2})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def generate_series(upper_bound):
    return f"select unnest(range(1, {upper_bound} + 1)) as generated_number"
