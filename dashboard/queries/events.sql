-- The dated timeline up to $as_of.
SELECT e.event_date, e.date_precision::VARCHAR AS date_precision, e.instrument_id, i.short_name AS instrument,
       e.kind::VARCHAR AS kind, e.title, e.verified, e.source_url
FROM events e JOIN instruments i USING (instrument_id)
WHERE e.event_date <= $as_of
ORDER BY e.event_date DESC, i.short_name
