-- Each participant's latest act on each instrument on or before $as_of (see views.sql for the tie rule).
SELECT s.instrument_id, s.participant_id, s.action::VARCHAR AS action, s.action_date, s.date_precision::VARCHAR AS date_precision,
       s.source_url, s.verified, s.note
FROM status_as_of($as_of) s
