{#- One row: a fingerprint of everything the predictive model's training
    tables are computed from. int_predictive_feature_values, int_predictive_bins
    and int_predictive_observation_bins keep last build's rows while it is
    unchanged, so a daily refresh within a training period does not redo
    them (a quarter of a refresh's models at 50M events). It covers: the
    training date, the settings, the seeds leads are enriched with, the
    lead table's columns, the training observations (leads, labels, holdout),
    every row of a training lead, the won conversions up to the training
    date, the events up to the last training observation, and the event
    types. Conversions and events are counted whether or not their lead is
    loaded yet (no join to the leads): a lead that arrives later changes the
    lead rows and observations above. Rows are tracked by count and latest
    load time: a change loads new rows. Without a load-time column nothing
    is kept. The settings, seeds, lead columns and event types are
    int_predictive_training_settings'. -#}

with

settings as (

    select settings_fingerprint from {{ ref('int_predictive_training_settings') }}

),

training as (

    select
        lead_id,
        observation_role,
        observed_on,
        converted_in_window,
        trained_as_of
    from {{ ref('int_predictive_observations') }}
    where observation_role in ('train', 'holdout')

),

observation_summary as (

    select
        count(*) as observations,
        sum(case when observation_role = 'holdout' then 1 else 0 end) as held_out,
        sum(converted_in_window) as converted,
        min(observed_on) as first_observed_on,
        max(observed_on) as last_observed_on,
        max(trained_as_of) as trained_as_of
    from training

),

training_lead_rows as (

    select
        count(*) as lead_rows,
        max(loaded_at) as leads_loaded_through
    from {{ ref('stg_crm__lead_versions') }}
    where lead_id in (select training.lead_id from training)

),

conversion_rows as (

    select
        count(*) as conversions,
        max(conversions.loaded_at) as conversions_loaded_through
    from {{ ref('stg_crm__conversions') }} as conversions
    cross join observation_summary
    where
        conversions.outcome = 'won'
        and cast(conversions.converted_at as date) <= observation_summary.trained_as_of

),

event_rows as (

    select
        count(*) as events,
        max(events.loaded_at) as events_loaded_through
    from {{ ref('int_events_deduplicated') }} as events
    cross join observation_summary
    where events.occurred_on <= observation_summary.last_observed_on

),

final as (

    select
        observation_summary.trained_as_of,
        {{ dbt.hash(dbt.concat([
            'settings.settings_fingerprint',
            "'|'", "coalesce(cast(observation_summary.trained_as_of as " ~ type_text() ~ "), '-')",
            "'|'", "cast(observation_summary.observations as " ~ type_text() ~ ")",
            "'|'", "coalesce(cast(observation_summary.held_out as " ~ type_text() ~ "), '-')",
            "'|'", "coalesce(cast(observation_summary.converted as " ~ type_text() ~ "), '-')",
            "'|'", "coalesce(cast(observation_summary.first_observed_on as " ~ type_text() ~ "), '-')",
            "'|'", "coalesce(cast(observation_summary.last_observed_on as " ~ type_text() ~ "), '-')",
            "'|'", "cast(training_lead_rows.lead_rows as " ~ type_text() ~ ")",
            "'|'", "coalesce(cast(training_lead_rows.leads_loaded_through as " ~ type_text() ~ "), '-')",
            "'|'", "cast(conversion_rows.conversions as " ~ type_text() ~ ")",
            "'|'", "coalesce(cast(conversion_rows.conversions_loaded_through as " ~ type_text() ~ "), '-')",
            "'|'", "cast(event_rows.events as " ~ type_text() ~ ")",
            "'|'", "coalesce(cast(event_rows.events_loaded_through as " ~ type_text() ~ "), '-')",
        ])) }} as inputs_fingerprint
    from settings
    cross join observation_summary
    cross join training_lead_rows
    cross join conversion_rows
    cross join event_rows

)

select * from final
