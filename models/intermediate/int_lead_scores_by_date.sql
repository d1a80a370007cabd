{#- One row per scoring date, lead that existed then and active scoring
    model: the 0-100 score, its fit and engagement parts, the A-D grade, the
    three biggest reasons and the funnel stage. A build has one date
    (lead_scores publishes it); a backfill scores many in one pass, and
    lead_score_history records what changed from one date to the next. -#}

with

leads as (

    select
        as_of,
        lead_id,
        won_at
    from {{ ref('int_lead_versions_in_effect') }}

),

predictive_model as (

    select base_probability from {{ ref('int_predictive_model') }}
    where status = 'trained'

),

-- A predictive model scores only once trained (predictive_model_summary says why not).
scoring_models as (

    select
        scoring_models.*,
        predictive_model.base_probability
    from {{ ref('stg_rules__scoring_models') }} as scoring_models
    left join predictive_model
        on scoring_models.kind = 'predictive'
    where scoring_models.is_active
        and (scoring_models.kind = 'rules' or predictive_model.base_probability is not null)

),

-- Read twice (totals and reasons): inlined, not copied first.
components as {{ inlined_cte() }} (

    select * from {{ ref('int_lead_score_components') }}

),

daily_activity as (

    select * from {{ ref('int_lead_rule_daily_activity') }}

),

grade_thresholds as (

    select * from {{ ref('stg_rules__grade_thresholds') }}

),

stage_thresholds as (

    select * from {{ ref('stg_rules__stage_thresholds') }}

),

component_totals as (

    select
        as_of,
        scoring_model,
        lead_id,
        sum(case when category = 'fit' then points else 0 end) as fit_points,
        sum(case when category = 'engagement' then points else 0 end) as engagement_points,
        sum(case when category = 'negative' then points else 0 end) as negative_points,
        sum(points) as raw_points,
        max(case when is_disqualifying then 1 else 0 end) = 1 as is_disqualified
    from components
    group by as_of, scoring_model, lead_id

),

ranked_reasons as (

    select
        as_of,
        scoring_model,
        lead_id,
        reason,
        row_number() over (
            partition by as_of, scoring_model, lead_id order by abs(points) desc, rule_id
        ) as reason_rank
    from components
    -- A reason shows whole points, so one that rounds to 0 is left out. The
    -- abs() test is implied by the rounding and only skips its costly
    -- decimal cast for the quarter of components far below half a point.
    where abs(points) >= 0.49 and {{ round_decimal('points', 0) }} <> 0

),

top_reasons as (

    select
        as_of,
        scoring_model,
        lead_id,
        max(case when reason_rank = 1 then reason end) as reason_1,
        max(case when reason_rank = 2 then reason end) as reason_2,
        max(case when reason_rank = 3 then reason end) as reason_3
    from ranked_reasons
    where reason_rank <= 3
    group by as_of, scoring_model, lead_id

),

last_activity as (

    select
        leads.as_of,
        daily_activity.scoring_model,
        daily_activity.lead_id,
        max(daily_activity.last_occurred_at) as last_activity_at
    from daily_activity
    inner join leads
        on daily_activity.lead_id = leads.lead_id
            and daily_activity.activity_on <= leads.as_of
    group by leads.as_of, daily_activity.scoring_model, daily_activity.lead_id

),

scored as (

    select
        leads.as_of,
        scoring_models.scoring_model,
        leads.lead_id,
        coalesce(component_totals.fit_points, 0) as fit_points,
        coalesce(component_totals.engagement_points, 0) as engagement_points,
        coalesce(component_totals.negative_points, 0) as negative_points,
        coalesce(component_totals.raw_points, 0) as raw_points,
        -- A predictive model's points are score points around the average lead's score.
        least(100.0, greatest(
            0.0,
            case
                when scoring_models.kind = 'predictive'
                    then 100.0 * scoring_models.base_probability + coalesce(component_totals.fit_points, 0)
                else 100.0 * coalesce(component_totals.fit_points, 0) / scoring_models.fit_max_points
            end
        )) as fit_score,
        least(100.0, greatest(
            0.0,
            case
                when scoring_models.kind = 'predictive'
                    then 100.0 * scoring_models.base_probability + coalesce(component_totals.engagement_points, 0)
                else 100.0 * coalesce(component_totals.engagement_points, 0) / scoring_models.engagement_max_points
            end
        ))
            as engagement_score,
        case
            when scoring_models.kind = 'predictive'
                then least(1.0, greatest(
                        0.0, scoring_models.base_probability + coalesce(component_totals.raw_points, 0) / 100.0
                    ))
        end as conversion_probability,
        scoring_models.kind,
        scoring_models.fit_weight,
        scoring_models.engagement_weight,
        coalesce(component_totals.is_disqualified, false) as is_disqualified
    from leads
    cross join scoring_models
    left join component_totals
        on leads.as_of = component_totals.as_of
            and scoring_models.scoring_model = component_totals.scoring_model
            and leads.lead_id = component_totals.lead_id

),

combined as (

    select
        scored.*,
        {{ round_decimal(
            "case when kind = 'predictive' then 100.0 * conversion_probability"
            ~ " else least(100.0, greatest(0.0, fit_weight * fit_score + engagement_weight * engagement_score"
            ~ " + negative_points)) end",
            2) }} as score
    from scored

),

-- Each grade's fit-score band, from its threshold up to the next higher one:
-- a lead falls in one band, so grading is a join, not a ranking of every
-- threshold a lead passes. Of two grades with one threshold the better wins.
grade_bands as (

    select
        scoring_model,
        grade,
        min_fit_score,
        lead(min_fit_score) over (
            partition by scoring_model order by min_fit_score asc, grade desc
        ) as next_min_fit_score
    from grade_thresholds

),

graded as (

    select
        combined.as_of,
        combined.scoring_model,
        combined.lead_id,
        grade_bands.grade
    from combined
    inner join grade_bands
        on combined.scoring_model = grade_bands.scoring_model
            and combined.fit_score >= grade_bands.min_fit_score
            and (grade_bands.next_min_fit_score is null or combined.fit_score < grade_bands.next_min_fit_score)

),

scores as (

    select
        {{ dbt.concat(['combined.scoring_model', "':'", 'combined.lead_id']) }} as lead_score_id,
        combined.scoring_model,
        combined.lead_id,
        combined.score,
        combined.conversion_probability,
        coalesce(graded.grade, 'D') as grade,
        {{ score_band('combined.score') }} as score_band,
        {{ round_decimal('combined.fit_score', 2) }} as fit_score,
        {{ round_decimal('combined.engagement_score', 2) }} as engagement_score,
        {{ round_decimal('combined.fit_points', 4) }} as fit_points,
        {{ round_decimal('combined.engagement_points', 4) }} as engagement_points,
        {{ round_decimal('combined.negative_points', 4) }} as negative_points,
        {{ round_decimal('combined.raw_points', 4) }} as raw_points,
        combined.is_disqualified,
        {{ dbt.concat([
            "coalesce(top_reasons.reason_1, '')",
            "coalesce('; ' || top_reasons.reason_2, '')",
            "coalesce('; ' || top_reasons.reason_3, '')",
        ]) }} as top_reasons,
        last_activity.last_activity_at,
        combined.as_of
    from combined
    left join graded
        on combined.as_of = graded.as_of
            and combined.scoring_model = graded.scoring_model
            and combined.lead_id = graded.lead_id
    left join top_reasons
        on combined.as_of = top_reasons.as_of
            and combined.scoring_model = top_reasons.scoring_model
            and combined.lead_id = top_reasons.lead_id
    left join last_activity
        on combined.as_of = last_activity.as_of
            and combined.scoring_model = last_activity.scoring_model
            and combined.lead_id = last_activity.lead_id

),

won as (

    select
        as_of,
        lead_id,
        won_at as converted_at
    from leads
    where won_at is not null

),

top_ranks as (

    select
        scoring_model,
        max(stage_rank) as top_stage_rank
    from stage_thresholds
    group by scoring_model

),

threshold_stages as (

    select
        scores.as_of,
        scores.scoring_model,
        scores.lead_id,
        stage_thresholds.stage,
        stage_thresholds.stage_rank,
        row_number() over (
            partition by scores.as_of, scores.scoring_model, scores.lead_id
            order by stage_thresholds.stage_rank desc
        ) as stage_preference
    from scores
    inner join stage_thresholds
        on scores.scoring_model = stage_thresholds.scoring_model
            and scores.score >= stage_thresholds.min_score
            -- Grades run A (best) to D, so "B or better" is grade <= 'B'.
            and (stage_thresholds.best_grade_required is null or scores.grade <= stage_thresholds.best_grade_required)

),

final as (

    select
        scores.*,
        -- Converted leads are customers, disqualified leads rank lowest, the
        -- rest take the highest seeded stage whose score and grade they meet.
        case
            when won.lead_id is not null then 'customer'
            when scores.is_disqualified then 'disqualified'
            else threshold_stages.stage
        end as stage,
        case
            when won.lead_id is not null then top_ranks.top_stage_rank + 1
            when scores.is_disqualified then 0
            else threshold_stages.stage_rank
        end as stage_rank,
        won.converted_at
    from scores
    left join threshold_stages
        on scores.as_of = threshold_stages.as_of
            and scores.scoring_model = threshold_stages.scoring_model
            and scores.lead_id = threshold_stages.lead_id
            and threshold_stages.stage_preference = 1
    left join won
        on scores.as_of = won.as_of
            and scores.lead_id = won.lead_id
    left join top_ranks
        on scores.scoring_model = top_ranks.scoring_model

)

select * from final
