{#- Passes when no two rows share the same values in all of the given columns.
    With rows_where_latest (a column marking the build that wrote a row), only
    the last build's rows are checked, so the test does not grow with an
    append-only table; with ordered_by too (a column numbered across builds),
    every row from the last build's lowest number on, so an older row
    numbered into the new range is caught. An earlier build's rows were
    checked when it wrote them (a failure then is not repeated later). The
    var test_whole_tables (true) checks every row: a backfill's closing build
    sets it, since its runs append without testing. -#}
{% test unique_combination(model, columns, rows_where_latest=none, ordered_by=none) %}
{%- set last_build = rows_where_latest ~ " = (select max(" ~ rows_where_latest ~ ") from " ~ model ~ ")" -%}
{%- set from_last_build = last_build if not ordered_by
    else ordered_by ~ " >= (select min(" ~ ordered_by ~ ") from " ~ model ~ " where " ~ last_build ~ ")" -%}
{%- set checked_rows = from_last_build if rows_where_latest and not var('test_whole_tables', false) else "1 = 1" %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
where {{ checked_rows }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
