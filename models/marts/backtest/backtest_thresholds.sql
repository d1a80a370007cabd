{#- Every threshold from 0 to 100 in steps of 0.1 per scoring model (fine
    enough for a probability score of a few percent): of the
    lead-snapshots scoring at or above it, how many were flagged, what share
    converted (precision), what share of all conversions they hold (recall),
    the false-positive rate (for the ROC curve), and how many leads a week it
    would hand to sales: leads that reach it after the model's first
    snapshot (those above it at the first are the backlog, not the flow),
    over the weeks between the first and the last snapshot. Rows at a seeded
    stage threshold name the stage. -#}
{%- set every_days = var('backtest_every_days') | int -%}

with

scores as (

    select
        scoring_model,
        snapshot_on,
        lead_id,
        -- Tenths of a point: a lead-snapshot is flagged at threshold t when score >= t.
        -- (the nudge keeps a score stored as a float, 45.3 read as 45.29999, in its own tenth)
        cast(floor(cast(score as {{ type_double() }}) * 10 + 0.000001) as {{ dbt.type_int() }}) as score_floor,
        converted_in_window
    from {{ ref('backtest_scores') }}

),

stage_thresholds as (

    select * from {{ ref('stg_rules__stage_thresholds') }}

),

steps as (

    {{ dbt.generate_series(1001) }}

),

models as (

    select
        scoring_model,
        count(*) as lead_snapshots,
        sum(converted_in_window) as conversions,
        min(snapshot_on) as first_snapshot_on,
        cast((count(distinct snapshot_on) - 1) * {{ every_days }} as {{ type_double() }}) / 7 as weeks
    from scores
    group by scoring_model

),

-- The backlog: leads already at or above a threshold at the model's first snapshot.
first_snapshot_floors as (

    select
        scores.scoring_model,
        scores.score_floor,
        count(*) as leads
    from scores
    inner join models
        on scores.scoring_model = models.scoring_model
            and scores.snapshot_on = models.first_snapshot_on
    group by scores.scoring_model, scores.score_floor

),

by_floor as (

    select
        scoring_model,
        score_floor,
        count(*) as lead_snapshots,
        sum(converted_in_window) as conversions
    from scores
    group by scoring_model, score_floor

),

-- A lead is handed to sales at a threshold when it reaches it at any snapshot.
lead_peaks as (

    select
        scoring_model,
        peak_floor,
        count(*) as leads
    from (
        select
            scoring_model,
            lead_id,
            max(score_floor) as peak_floor
        from scores
        group by scoring_model, lead_id
    ) as peaks
    group by scoring_model, peak_floor

),

grid as (

    select
        models.scoring_model,
        cast(steps.generated_number - 1 as {{ dbt.type_int() }}) as tenths,
        coalesce(by_floor.lead_snapshots, 0) as lead_snapshots_at_floor,
        coalesce(by_floor.conversions, 0) as conversions_at_floor,
        coalesce(lead_peaks.leads, 0) as leads_peaking_at_floor,
        coalesce(first_snapshot_floors.leads, 0) as backlog_leads_at_floor
    from models
    cross join steps
    left join by_floor
        on models.scoring_model = by_floor.scoring_model
            and steps.generated_number - 1 = by_floor.score_floor
    left join lead_peaks
        on models.scoring_model = lead_peaks.scoring_model
            and steps.generated_number - 1 = lead_peaks.peak_floor
    left join first_snapshot_floors
        on models.scoring_model = first_snapshot_floors.scoring_model
            and steps.generated_number - 1 = first_snapshot_floors.score_floor

),

-- Scores of 100 floor to 1000 tenths, the top row; every row sums itself and those above.
cumulated as (

    select
        scoring_model,
        tenths,
        sum(lead_snapshots_at_floor) over (
            partition by scoring_model order by tenths desc rows between unbounded preceding and current row
        ) as flagged,
        sum(conversions_at_floor) over (
            partition by scoring_model order by tenths desc rows between unbounded preceding and current row
        ) as flagged_conversions,
        sum(leads_peaking_at_floor) over (
            partition by scoring_model order by tenths desc rows between unbounded preceding and current row
        ) as leads_flagged,
        sum(backlog_leads_at_floor) over (
            partition by scoring_model order by tenths desc rows between unbounded preceding and current row
        ) as backlog_leads_flagged
    from grid

),

final as (

    select
        cumulated.scoring_model,
        cast(cumulated.tenths as {{ type_double() }}) / 10 as min_score,
        stage_thresholds.stage as stage_at_threshold,
        cast(cumulated.flagged as {{ dbt.type_bigint() }}) as flagged,
        cast(cumulated.flagged_conversions as {{ dbt.type_bigint() }}) as flagged_conversions,
        cast(cumulated.flagged as {{ type_double() }}) / models.lead_snapshots as share_flagged,
        cast(cumulated.flagged_conversions as {{ type_double() }}) / nullif(cumulated.flagged, 0) as precision,  -- noqa: RF04
        cast(cumulated.flagged_conversions as {{ type_double() }}) / nullif(models.conversions, 0) as recall,
        cast(cumulated.flagged - cumulated.flagged_conversions as {{ type_double() }})
        / nullif(models.lead_snapshots - models.conversions, 0) as false_positive_rate,
        cast(cumulated.leads_flagged as {{ dbt.type_bigint() }}) as leads_flagged,
        cast(cumulated.leads_flagged - cumulated.backlog_leads_flagged as {{ dbt.type_bigint() }})
            as leads_newly_flagged,
        (cumulated.leads_flagged - cumulated.backlog_leads_flagged) / nullif(models.weeks, 0) as leads_per_week
    from cumulated
    inner join models
        on cumulated.scoring_model = models.scoring_model
    left join stage_thresholds
        on cumulated.scoring_model = stage_thresholds.scoring_model
            and cumulated.tenths = stage_thresholds.min_score * 10
            and stage_thresholds.min_score > 0

)

select * from final
