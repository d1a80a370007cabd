{#- Each distinct job title mapped once to a seniority level by the seeded
    word patterns (whole words, lowest priority number wins). Distinct titles
    are few, so matching them here is far cheaper than per lead. -#}

with

titles as (

    select distinct job_title from {{ ref('stg_crm__lead_versions') }}
    where job_title is not null

),

patterns as (

    select
        ' ' || trim(lower(pattern)) || ' ' as padded_pattern,
        lower(trim(seniority)) as seniority,
        {{ safe_to_number('priority') }} as priority
    from {{ ref('title_seniority_patterns') }}

),

matches as (

    select
        titles.job_title,
        patterns.seniority,
        row_number() over (
            partition by titles.job_title order by patterns.priority, patterns.seniority
        ) as match_rank
    from titles
    inner join patterns
        on {{ dbt.position('patterns.padded_pattern', padded_words('titles.job_title')) }} > 0

),

final as (

    select
        titles.job_title,
        coalesce(matches.seniority, 'individual_contributor') as seniority
    from titles
    left join matches
        on titles.job_title = matches.job_title
            and matches.match_rank = 1

)

select * from final
