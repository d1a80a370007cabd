{#- Passes when no two rows share the same values in all of the given columns.
    With rows_where_latest (a column), only the rows holding that column's
    highest value are checked: for an append-only table whose rows carry the
    build that wrote them, the rows this build added, so the test does not
    grow with the table (earlier builds' rows were checked when written).
    The var test_whole_tables (true) checks every row anyway: a backfill's
    closing build sets it, since its runs append without testing. -#}
{% test unique_combination(model, columns, rows_where_latest=none) %}
{%- set latest_only = rows_where_latest ~ " = (select max(" ~ rows_where_latest ~ ") from " ~ model ~ ")"
    if rows_where_latest and not var('test_whole_tables', false) else "1 = 1" %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
where {{ latest_only }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
