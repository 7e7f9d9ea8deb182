-- Where the facts come from: every cited source URL's host, with how many rows cite it.
WITH urls AS (
    SELECT source_url, 'actions' AS tbl FROM actions
    UNION ALL SELECT source_url, 'stances' FROM stances
    UNION ALL SELECT source_url, 'events' FROM events
    UNION ALL SELECT source_url, 'instruments' FROM instruments
)
SELECT regexp_extract(source_url, '^https?://(?:www\.)?([^/:?#]+)', 1) AS host,
       count(*) AS rows_citing,
       count(DISTINCT source_url) AS distinct_urls,
       string_agg(DISTINCT tbl, ', ' ORDER BY tbl) AS tables
FROM urls
GROUP BY host
ORDER BY rows_citing DESC, host
