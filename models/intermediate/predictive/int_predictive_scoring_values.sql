{#- The feature values of every scored lead on every scoring date, for the
    features the model kept only (int_predictive_woe's slots; 4 of 29 on the
    generated data): computing every candidate for every lead cost more than
    the rest of the scoring. The same SQL as int_predictive_feature_values
    (the predictive_feature_values macro), for observations of role score. -#}
-- depends_on: {{ ref('predictive_features') }}

{{ predictive_feature_values(['score'], ref('int_predictive_woe')) }}
