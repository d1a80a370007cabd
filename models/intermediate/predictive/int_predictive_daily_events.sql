{#- Each known lead's events per type and day: what the engagement features
    count (int_predictive_event_counts, and the predictive_feature_values
    macro's event types and last event day), aggregated once instead of in
    each of the three models. -#}

with

events as (

    select * from {{ ref('int_events_of_known_leads') }}
    where is_known_lead

),

final as (

    select
        lead_id,
        event_type,
        occurred_on,
        count(*) as events
    from events
    group by lead_id, event_type, occurred_on

)

select * from final
