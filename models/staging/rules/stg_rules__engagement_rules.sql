{%- set decay_kinds = decay_kinds() -%}
{%- set optional_numbers = ['min_duration_seconds', 'min_pages', 'min_count', 'max_count', 'max_points'] -%}
{%- set checks = [
    {'field': 'rule_id', 'invalid_when': "nullif(trim(rule_id), '') is null", 'expected': 'a rule id'},
    {'field': 'scoring_model', 'invalid_when': "coalesce(trim(scoring_model), '') not in (select trim(scoring_model) from " ~ ref('scoring_models') ~ ")", 'expected': 'a scoring_model of seeds/scoring_models.csv'},
    {'field': 'category', 'invalid_when': "coalesce(lower(trim(category)), '') not in ('engagement', 'negative')", 'expected': 'engagement or negative'},
    {'field': 'event_type', 'invalid_when': "nullif(trim(event_type), '') is null", 'expected': 'an event type'},
    {'field': 'award', 'invalid_when': "coalesce(lower(trim(award)), '') not in ('per_event', 'once')", 'expected': 'per_event or once'},
    {'field': 'points', 'invalid_when': "nullif(trim(points), '') is null or " ~ is_not_a_number('points'), 'expected': 'a number'},
    {'field': 'decay', 'invalid_when': "coalesce(lower(trim(decay)), '') not in (" ~ quoted_list(decay_kinds) ~ ")", 'expected': 'one of ' ~ decay_kinds | join(', ')},
    {'field': 'decay_days', 'invalid_when': "coalesce(lower(trim(decay)), '') <> 'none' and coalesce(" ~ safe_to_number('decay_days') ~ " <= 0, true)", 'expected': 'a number of days > 0 for this decay'},
    {'field': 'disqualify', 'invalid_when': is_not_boolean('disqualify'), 'expected': 'true or false'},
    {'field': 'rule_id', 'invalid_when': "trim(rule_id) in (select trim(rule_id) from " ~ ref('engagement_rules') ~ " group by trim(rule_id) having count(*) > 1)", 'expected': 'a rule id used once'},
] -%}
{%- for column_name in optional_numbers -%}
    {%- do checks.append({'field': column_name, 'invalid_when': is_not_a_number(column_name), 'expected': 'a number or blank'}) -%}
{%- endfor -%}
{{ assert_seed_is_valid('engagement_rules', 'rule_id', checks) }}

with

engagement_rules as (

    select * from {{ ref('engagement_rules') }}

),

final as (

    select
        trim(scoring_model) as scoring_model,
        trim(rule_id) as rule_id,
        trim(description) as description,
        lower(trim(category)) as category,
        lower(trim(event_type)) as event_type,
        {{ normalized_text('url_contains') }} as url_contains,
        {{ normalized_text('email_type') }} as email_type,
        {{ safe_to_number('min_duration_seconds') }} as min_duration_seconds,
        {{ safe_to_number('min_pages') }} as min_pages,
        lower(trim(award)) as award,
        coalesce({{ safe_to_number('min_count') }}, 1) as min_count,
        {{ safe_to_number('max_count') }} as max_count,
        {{ safe_to_number('points') }} as points,
        {{ safe_to_number('max_points') }} as max_points,
        coalesce({{ normalized_text('rule_group') }}, lower(trim(rule_id))) as rule_group,
        lower(trim(decay)) as decay,
        {{ safe_to_number('decay_days') }} as decay_days,
        {{ text_to_boolean('disqualify') }} as is_disqualifying
    from engagement_rules

)

select * from final
