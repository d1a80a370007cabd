{#- Every feature value of every observation, one row per observation and
    feature, raw (binning comes next), for training and held-out observations;
    int_predictive_scoring_values has the scored leads'. Attributes: each column of
    int_leads_enriched, standard, custom and derived, except identifiers and
    personal data (ids, email, names, phone, company name, postal code) and
    dates; seeds/predictive_features.csv adds or removes columns. Engagement
    (when events exist): per event type, the events in the
    predictive_lookback_days up to the observation date (counted in
    int_predictive_event_counts, zeros filled in here), and the days since
    the lead's last event. Only real column names become SQL: a seed row is
    compared with them, never pasted. A build whose training inputs have not
    changed (int_predictive_training_inputs) keeps last build's rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ predictive_training_reset() }}",
) }}
-- depends_on: {{ ref('predictive_features') }}
-- depends_on: {{ ref('int_predictive_training_inputs') }}
-- sqlfluff:indentation:template_blocks_indent:false

{% if predictive_training_is_current() -%}
select *
from {{ this }}
where 1 = 0
{%- else -%}
{{ predictive_feature_values(['train', 'holdout'], stamp=predictive_training_stamp()) }}
{%- endif %}
