-- Bloc memberships in force on $as_of.
SELECT participant_id, bloc::VARCHAR AS bloc FROM memberships
WHERE (joined_on IS NULL OR joined_on <= $as_of) AND (left_on IS NULL OR left_on > $as_of)
