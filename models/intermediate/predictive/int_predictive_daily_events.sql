{#- Events per lead, type and day: what the engagement features count
    (int_predictive_event_counts, and the predictive_feature_values macro's
    event types and last event day), aggregated once instead of in each of
    the three models. Kept between builds like the engagement state: a run
    appends the partial counts of the events loaded since its last run, and
    readers sum them (or take the latest day, or the types), so a refresh
    reads the new batch, not every event. Every accepted event counts, its
    lead loaded or not yet: the readers keep loaded leads' rows (they join
    the leads they observe, and list the types of loaded leads' events), and
    a lead that arrives after its events finds them here. -#}
{{ config(
    materialized=event_state_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}

{#- A table from before this model kept its rows has no watermark column:
    rebuilding it is the only way on, and the runner's build, backfill and
    backtest do that when they read "state is stale". -#}
{%- if execute and is_incremental() -%}
    {%- set kept_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'batch_loaded_at' not in kept_columns -%}
        {{ raise_stale_state('Predictive event',
            this ~ " was built by an earlier version of this project (it has no batch_loaded_at column)") }}
    {%- endif -%}
{%- endif %}

with

new_events as (

    select * from {{ ref('int_events_deduplicated') }}
    {% if is_incremental() %}
        where loaded_at > {{ loaded_through('batch_loaded_at') }}
    {% endif %}

),

final as (

    select
        lead_id,
        event_type,
        occurred_on,
        count(*) as events,
        max(loaded_at) as batch_loaded_at
    from new_events
    group by lead_id, event_type, occurred_on

)

select * from final
