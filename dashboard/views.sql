-- Views and table macros for readers of the file: the joins are done once, here.

-- Latest action of each participant on each instrument on or before day d. On the same day a stronger act wins
-- (a ratification deposited on the day of signature counts as ratification).
CREATE MACRO status_as_of(d) AS TABLE
    SELECT * EXCLUDE (rn) FROM (
        SELECT a.*, row_number() OVER (
            PARTITION BY a.instrument_id, a.participant_id
            ORDER BY a.action_date DESC,
                CASE a.action WHEN 'withdrew' THEN 0 WHEN 'ratified' THEN 1 WHEN 'approved' THEN 1
                    WHEN 'accepted' THEN 1 WHEN 'acceded' THEN 1 WHEN 'signed' THEN 2 WHEN 'endorsed' THEN 3
                    WHEN 'joined' THEN 3 ELSE 4 END
        ) AS rn
        FROM actions a
        WHERE a.action_date <= d
    ) WHERE rn = 1;

-- Bloc members on day d (a membership with no joined_on counts from the start).
CREATE MACRO members_as_of(b, d) AS TABLE
    SELECT participant_id FROM memberships
    WHERE bloc = b AND (joined_on IS NULL OR joined_on <= d) AND (left_on IS NULL OR left_on > d);

CREATE VIEW current_status AS SELECT * FROM status_as_of((SELECT as_of FROM dataset));

CREATE VIEW actions_detail AS
SELECT a.action_date, i.short_name AS instrument, p.name AS participant, a.action, a.date_precision, a.verified,
       a.source_url, a.note, a.instrument_id, a.participant_id, i.legally_binding
FROM actions a JOIN instruments i USING (instrument_id) JOIN participants p USING (participant_id);

CREATE VIEW stances_detail AS
SELECT s.stance_date, c.name AS company, i.short_name AS instrument, s.stance, s.quote, s.quote_by, s.verified,
       s.source_url, s.note, s.company_id, s.instrument_id, c.hq_country
FROM stances s JOIN companies c USING (company_id) JOIN instruments i USING (instrument_id);

CREATE VIEW unverified AS
SELECT 'action' AS row_kind, instrument_id, participant_id AS subject_id, action AS what, action_date AS on_date,
       source_url, note, source_file, source_row
FROM actions WHERE NOT verified
UNION ALL
SELECT 'stance', instrument_id, company_id, stance, stance_date, source_url, note, source_file, source_row
FROM stances WHERE NOT verified
UNION ALL
SELECT 'instrument', instrument_id, NULL, kind, adopted_on, source_url, note, NULL, NULL
FROM instruments WHERE NOT verified
UNION ALL
SELECT 'event', instrument_id, NULL, kind, event_date, source_url, title, NULL, NULL
FROM events WHERE NOT verified;
