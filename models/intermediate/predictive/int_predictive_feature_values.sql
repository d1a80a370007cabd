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
    compared with them, never pasted. -#}
-- depends_on: {{ ref('predictive_features') }}

{{ predictive_feature_values(['train', 'holdout']) }}
