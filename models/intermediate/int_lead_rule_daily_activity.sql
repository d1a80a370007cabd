{#- The engagement activity scores are computed from: per scoring model, lead,
    rule and day, activities that met the rule. Event rules come from the
    incremental state as it is stored, one row per day and load batch (a day
    whose events arrived in two loads has two rows; readers sum them);
    session rules from int_session_rule_matches_daily. A view: a table copied
    every state row in every build (23M rows, 7.8 s of the 10M refresh).
    Leads not loaded yet are not filtered out here: int_lead_score_components
    and the last activity in int_lead_scores_by_date keep the leads that
    exist on each date. (An earlier view joined every row to the leads, and at 100M events
    that join inside the scorer's aggregation ran out of DuckDB's 3GB; a
    union of two tables reads like one table.) -#}
{{ config(materialized='view') }}

with

event_rule_days as (

    select * from {{ ref('int_event_rule_matches_daily') }}

),

session_rule_days as (

    select * from {{ ref('int_session_rule_matches_daily') }}

),

-- The state holds exactly the active event rules (its fingerprint stops the
-- build when what they match changes). Columns are picked by name on both
-- sides: a union pairs them by position.
final as (

    select
        scoring_model,
        lead_id,
        rule_id,
        activity_on,
        activity_count,
        last_occurred_at
    from event_rule_days
    union all
    select
        scoring_model,
        lead_id,
        rule_id,
        activity_on,
        activity_count,
        last_occurred_at
    from session_rule_days

)

select * from final
