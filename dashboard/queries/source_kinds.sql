-- Fact rows by who made the page they cite: depositary, official, company (first-hand), press, secondary.
WITH rows AS (
    SELECT source_kind FROM actions UNION ALL SELECT source_kind FROM stances
    UNION ALL SELECT source_kind FROM events UNION ALL SELECT source_kind FROM instruments
    UNION ALL SELECT source_kind FROM counts UNION ALL SELECT source_kind FROM companies
    UNION ALL SELECT source_kind FROM memberships
)
SELECT source_kind::VARCHAR AS source_kind, count(*) AS rows FROM rows GROUP BY ALL ORDER BY rows DESC
