{#- How well a score separates the leads that converted from those that did
    not, per group: AUC by the tie-aware rank formula (Mann-Whitney U: a
    converted lead outranks every lower-scored one and half of those tied
    with it) and KS (the largest gap between the two groups' cumulative score
    distributions). Computed on one row per distinct score, so it costs a
    group-by, not a sort of every lead. `scores` is a relation or a
    parenthesised query with the group columns, a score and a 0/1 label. -#}
{% macro ranking_metrics(scores, group_columns, score='score', label='converted_in_window') -%}
    {%- set groups = group_columns | join(', ') -%}
    select
        {{ groups }},
        cast(sum(positives) as {{ dbt.type_bigint() }}) as conversions,
        cast(sum(positives + negatives) as {{ dbt.type_bigint() }}) as leads,
        sum(positives * (negatives_below + 0.5 * negatives))
            / nullif(max(total_positives) * max(total_negatives), 0) as auc,
        -- Null when a group lacks either kind (nullif: PostgreSQL and Spark raise on a division by zero).
        max(abs(
            positives_at_or_below / nullif(total_positives, 0) - negatives_at_or_below / nullif(total_negatives, 0)
        )) as ks
    from (
        select
            {{ groups }},
            positives,
            negatives,
            coalesce(sum(negatives) over (
                partition by {{ groups }} order by score_value rows between unbounded preceding and 1 preceding
            ), 0) as negatives_below,
            sum(positives) over (
                partition by {{ groups }} order by score_value rows between unbounded preceding and current row
            ) as positives_at_or_below,
            sum(negatives) over (
                partition by {{ groups }} order by score_value rows between unbounded preceding and current row
            ) as negatives_at_or_below,
            sum(positives) over (partition by {{ groups }}) as total_positives,
            sum(negatives) over (partition by {{ groups }}) as total_negatives
        from (
            select
                {{ groups }},
                {{ score }} as score_value,
                cast(sum({{ label }}) as {{ type_double() }}) as positives,
                cast(sum(1 - {{ label }}) as {{ type_double() }}) as negatives
            from {{ scores }}
            group by {{ groups }}, {{ score }}
        ) as by_score
    ) as cumulated
    group by {{ groups }}
{%- endmacro %}
