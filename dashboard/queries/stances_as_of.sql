-- Every company stance public on or before $as_of, with names.
SELECT s.stance_date, s.company_id, c.name AS company, c.hq_country, s.instrument_id, i.short_name AS instrument,
       s.stance::VARCHAR AS stance, s.date_precision::VARCHAR AS date_precision, s.quote, s.quote_by, s.verified,
       s.source_url, s.note
FROM stances s JOIN companies c USING (company_id) JOIN instruments i USING (instrument_id)
WHERE s.stance_date <= $as_of
ORDER BY s.stance_date, c.name
