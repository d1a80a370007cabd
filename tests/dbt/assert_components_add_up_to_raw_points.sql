-- A lead's components add up to its raw points (its score before normalisation).
with

components as (

    select
        scoring_model,
        lead_id,
        sum(points) as component_points
    from {{ ref('lead_score_components') }}
    group by scoring_model, lead_id

),

scores as (

    select
        scoring_model,
        lead_id,
        raw_points
    from {{ ref('lead_scores') }}

)

select
    scores.scoring_model,
    scores.lead_id,
    scores.raw_points,
    components.component_points
from scores
left join components
    on scores.scoring_model = components.scoring_model
        and scores.lead_id = components.lead_id
where abs(scores.raw_points - coalesce(components.component_points, 0)) > 0.001
