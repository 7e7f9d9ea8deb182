-- Every act on or before $as_of, oldest first, with names.
SELECT a.action_date, a.instrument_id, i.short_name AS instrument, a.participant_id, p.name AS participant,
       a.action::VARCHAR AS action, a.date_precision::VARCHAR AS date_precision, a.verified, a.source_url, a.note,
       i.legally_binding
FROM actions a JOIN instruments i USING (instrument_id) JOIN participants p USING (participant_id)
WHERE a.action_date <= $as_of
ORDER BY a.action_date, i.short_name, p.name
