{#- The rule engine's predicates. Rule values arrive as joined columns, never
    as SQL text, so no seed value can change the shape of a query. -#}

{#- Operators a fit rule may use; validation and docs read this one list. -#}
{% macro fit_operators() %}
    {{ return(['equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with',
               'gt', 'gte', 'lt', 'lte', 'between', 'is_present', 'is_absent']) }}
{% endmacro %}

{% macro numeric_fit_operators() %}
    {{ return(['gt', 'gte', 'lt', 'lte', 'between']) }}
{% endmacro %}

{% macro decay_kinds() %}
    {{ return(['none', 'exponential', 'linear', 'window']) }}
{% endmacro %}

{#- True when attribute row `attr` satisfies fit rule `rule`.
    attr: value_text (lower-cased, trimmed, null when blank), value_number.
    rule: operator, match_text, match_list ('|a|b|'), number_min, number_max. -#}
{% macro fit_rule_condition(rule, attr) -%}
    (case {{ rule }}.operator
        when 'equals' then {{ attr }}.value_text = {{ rule }}.match_text
        when 'not_equals' then {{ attr }}.value_text <> {{ rule }}.match_text
        when 'in' then {{ dbt.position("'|' || " ~ attr ~ ".value_text || '|'", rule ~ ".match_list") }} > 0
        when 'not_in' then {{ dbt.position("'|' || " ~ attr ~ ".value_text || '|'", rule ~ ".match_list") }} = 0
        when 'contains' then {{ dbt.position(rule ~ ".match_text", attr ~ ".value_text") }} > 0
        when 'starts_with' then {{ dbt.position(rule ~ ".match_text", attr ~ ".value_text") }} = 1
        when 'ends_with' then {{ dbt.right(attr ~ ".value_text", dbt.length(rule ~ ".match_text")) }} = {{ rule }}.match_text
        when 'gt' then {{ attr }}.value_number > {{ rule }}.number_min
        when 'gte' then {{ attr }}.value_number >= {{ rule }}.number_min
        when 'lt' then {{ attr }}.value_number < {{ rule }}.number_min
        when 'lte' then {{ attr }}.value_number <= {{ rule }}.number_min
        when 'between' then {{ attr }}.value_number between {{ rule }}.number_min and {{ rule }}.number_max
        when 'is_present' then {{ attr }}.value_text is not null
        when 'is_absent' then {{ attr }}.value_text is null
        else false
    end)
{%- endmacro %}

{#- Weight in [0, 1] of activity `age_days` old under a rule's decay. -#}
{% macro decay_factor(decay, decay_days, age_days) -%}
    (case {{ decay }}
        when 'none' then 1.0
        when 'exponential' then {{ power_of_two("-1.0 * " ~ age_days ~ " / " ~ decay_days) }}
        when 'linear' then greatest(0.0, 1.0 - 1.0 * {{ age_days }} / {{ decay_days }})
        when 'window' then (case when {{ age_days }} < {{ decay_days }} then 1.0 else 0.0 end)
    end)
{%- endmacro %}

{#- Points held to a cap on their magnitude; negative rules cap towards zero too. -#}
{% macro capped_points(points, cap) -%}
    (case
        when {{ cap }} is null then {{ points }}
        when {{ points }} >= 0 then least({{ points }}, abs({{ cap }}))
        else greatest({{ points }}, -1.0 * abs({{ cap }}))
    end)
{%- endmacro %}

{#- Band label of a 0-100 score: '0-19', '20-39', ..., '80-100'. -#}
{% macro score_band(score) -%}
    {%- set width = var('score_band_width', 20) | int -%}
    {%- set band_floor = "cast(least(floor(" ~ score ~ " / " ~ width ~ ") * " ~ width ~ ", " ~ (100 - width) ~ ") as " ~ dbt.type_int() ~ ")" -%}
    {{ dbt.concat([
        "cast(" ~ band_floor ~ " as " ~ type_text() ~ ")",
        "'-'",
        "cast(case when " ~ band_floor ~ " + " ~ width ~ " >= 100 then 100 else " ~ band_floor ~ " + " ~ (width - 1) ~ " end as " ~ type_text() ~ ")",
    ]) }}
{%- endmacro %}

{#- A digest of what the active event rules match, stored in the incremental
    engagement state, so a rule change that would make it stale is caught. -#}
{% macro engagement_matching_fingerprint() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set query -%}
        select scoring_model, rule_id, event_type, url_contains, email_type, min_duration_seconds
        from {{ ref('int_engagement_rules_active') }}
        where event_type <> 'session'
        order by scoring_model, rule_id
    {%- endset -%}
    {%- set parts = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do parts.append(row.values() | map('string') | join('\x1f')) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\x1e'))) }}
{% endmacro %}

{#- A number per engagement rule (scoring model and rule id), for aggregates
    over events or days to group on in place of the rule's text keys: at 100M
    events, grouping the events-joined-with-rules rows on text ran out of
    memory at 3GB, and on this number it does not. Join the rule back on it
    after the aggregate. -#}
{% macro engagement_rule_key() -%}
    row_number() over (order by scoring_model, rule_id)
{%- endmacro %}
