-- Scored leads carry every feature the model kept: scoring computes only
-- those, and a feature left out would drop its points from every lead
-- without a word ("days since last event" once was, when no event count
-- was kept).
with

kept_features as (

    select distinct feature_name from {{ ref('int_predictive_woe') }}
    where feature_slot is not null

),

scored_observations as (

    select count(*) as scored_count from {{ ref('int_predictive_observations') }}
    where observation_role = 'score'

),

scored_features as (

    select distinct feature_name from {{ ref('int_predictive_scoring_values') }}

)

select kept_features.feature_name
from kept_features
cross join scored_observations
left join scored_features
    on kept_features.feature_name = scored_features.feature_name
where scored_observations.scored_count > 0 and scored_features.feature_name is null
