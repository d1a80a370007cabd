{#- Per observation and event type, the lead's events in the
    predictive_lookback_days up to the observation date. Only types the lead
    had in that window have a row; int_predictive_feature_values fills in the
    zeros. Its own table: aggregated inside the query that fills in the zeros,
    the aggregate and that join held memory at the same time, and at 100M
    events the model ran out of DuckDB's 3GB. -#}
{%- set lookback_days = var('predictive_lookback_days') | int -%}

with

observations as (

    select
        observation_id,
        observed_on,
        lead_id
    from {{ ref('int_predictive_observations') }}

),

daily_events as (

    select * from {{ ref('int_predictive_daily_events') }}

),

final as (

    select
        observations.observation_id,
        daily_events.event_type,
        sum(daily_events.events) as events_in_lookback
    from observations
    inner join daily_events
        on observations.lead_id = daily_events.lead_id
            and observations.observed_on >= daily_events.occurred_on
            and daily_events.occurred_on > cast({{ dbt.dateadd('day', -lookback_days, 'observations.observed_on') }} as date)
    group by observations.observation_id, daily_events.event_type

)

select * from final
