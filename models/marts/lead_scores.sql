{#- One row per lead and active scoring model as of the build's date: the
    0-100 score, its fit and engagement parts, the A-D grade, the three
    biggest reasons and the funnel stage, with when the score and the stage
    last changed (kept per lead beside lead_score_history). Stage lives
    here, not in a table of its own, so a score and its stage are always
    written together: lead_stage is a view over this table. -#}

with

scores as (

    select * from {{ ref('int_lead_scores_by_date') }}

),

scoring_dates as (

    select * from {{ ref('int_scoring_dates') }}
    where is_latest

),

-- When the score and the stage last changed: from the history's index of each
-- lead's last change (macros/history_latest.sql) while it is as current as the
-- history; else (missing, or behind after a build that stopped between the
-- two) from the whole history.
{%- set history_index = history_latest_if_current(ref('lead_score_history')) %}
last_changes as (

    {%- if history_index is not none %}
        select
            scoring_model,
            lead_id,
            score_changed_at,
            stage_changed_at
        from {{ history_index }}
    {%- else %}
        select
            scoring_model,
            lead_id,
            max(case when {{ history_row_changes_score() }} then scored_at end) as score_changed_at,
            max(case when {{ history_row_changes_stage() }} then scored_at end) as stage_changed_at
        from {{ ref('lead_score_history') }}
        group by scoring_model, lead_id
    {%- endif %}

),

final as (

    select
        scores.lead_score_id,
        scores.scoring_model,
        scores.lead_id,
        scores.score,
        scores.conversion_probability,
        scores.grade,
        scores.score_band,
        scores.fit_score,
        scores.engagement_score,
        scores.fit_points,
        scores.engagement_points,
        scores.negative_points,
        scores.raw_points,
        scores.is_disqualified,
        scores.top_reasons,
        scores.last_activity_at,
        scores.as_of,
        scores.stage,
        scores.stage_rank,
        scores.converted_at,
        last_changes.score_changed_at,
        last_changes.stage_changed_at
    from scores
    inner join scoring_dates
        on scores.as_of = scoring_dates.as_of
    left join last_changes
        on scores.scoring_model = last_changes.scoring_model
            and scores.lead_id = last_changes.lead_id

)

select * from final
