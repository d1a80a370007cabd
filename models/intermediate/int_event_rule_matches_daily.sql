{#- The incremental engagement state: per scoring model, lead, event rule and
    day, how many events met the rule and when the last one happened. A run
    appends the partial counts of the events loaded since the last run;
    readers sum them. Decay is applied at scoring time from the day, so the
    state never goes stale as as_of moves. Points, caps and decay are read at
    scoring time too; only a change to what a rule matches (event type or a
    filter) invalidates the state, and then the build stops and says so. -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{%- set fingerprint = engagement_matching_fingerprint() -%}
{%- if execute and is_incremental() -%}
    {%- set stored = run_query("select max(rules_fingerprint) from " ~ this).rows[0][0] -%}
    {%- if stored is not none and stored != fingerprint -%}
        {{ raise_stale_state('Engagement',
            "what the rules in seeds/engagement_rules.csv match (event_type, url_contains, email_type, "
            ~ "min_duration_seconds) changed since " ~ this ~ " was built") }}
    {%- endif -%}
{%- endif %}

with

new_events as (

    select * from {{ ref('int_events_deduplicated') }}
    {% if is_incremental() %}
        where loaded_at > {{ loaded_through('batch_loaded_at') }}
    {% endif %}

),

rules as (

    select
        *,
        {{ engagement_rule_key() }} as rule_key
    from {{ ref('int_engagement_rules_active') }}
    where event_type <> 'session'

),

matched as (

    select
        rules.rule_key,
        new_events.lead_id,
        new_events.occurred_on as activity_on,
        new_events.occurred_at,
        new_events.loaded_at
    from new_events
    inner join rules
        on new_events.event_type = rules.event_type
    where
        (rules.url_contains is null or {{ dbt.position('rules.url_contains', 'new_events.url_normalized') }} > 0)
        and (rules.email_type is null or new_events.email_type = rules.email_type)
        and (rules.min_duration_seconds is null or new_events.duration_seconds >= rules.min_duration_seconds)

),

per_rule_day as (

    select
        rule_key,
        lead_id,
        activity_on,
        count(*) as activity_count,
        max(occurred_at) as last_occurred_at,
        max(loaded_at) as batch_loaded_at
    from matched
    group by rule_key, lead_id, activity_on

),

final as (

    select
        rules.scoring_model,
        per_rule_day.lead_id,
        rules.rule_id,
        per_rule_day.activity_on,
        per_rule_day.activity_count,
        per_rule_day.last_occurred_at,
        per_rule_day.batch_loaded_at,
        '{{ fingerprint }}' as rules_fingerprint
    from per_rule_day
    inner join rules
        on per_rule_day.rule_key = rules.rule_key

)

select * from final
