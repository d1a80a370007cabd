{#- Passes when no two rows share column_name, a key the model writes by
    joining `parts` with `separator` (scoring_model:lead_id), as `unique`
    would, but without reading that text for every row: on a view (and at
    50M events) building it was the slowest test of the build. Where no part
    holds the separator, the key has one separator fewer than it has parts
    and splits back into them, so two such keys are equal only when their
    parts are: those rows are compared by their parts, as columns. A key
    with the separator inside a part has more separators, so it can only
    equal another such key: those rows (usually none) are compared as text.
    Like `unique`, rows whose key is null (a part is null) are not compared. -#}
{% test unique_joined_key(model, column_name, parts, separator=':') %}
{%- set separator_literal = "'%s'" | format(separator) %}

select
    {{ parts | join(' || ' ~ separator_literal ~ ' || ') }} as duplicate_key,
    occurrences
from (
    select
        {{ parts | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    where {% for part in parts %}{{ part }} is not null{{ ' and ' if not loop.last }}{% endfor %}
    group by {{ parts | join(', ') }}
    having count(*) > 1
) as same_parts
union all
select
    {{ column_name }} as duplicate_key,
    count(*) as occurrences
from {{ model }}
where
    {{ column_name }} is not null
    and ({% for part in parts %}{{ dbt.position(separator_literal, part) }} > 0{{ ' or ' if not loop.last }}{% endfor %})
group by {{ column_name }}
having count(*) > 1

{% endtest %}
