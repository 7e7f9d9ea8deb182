-- Every company with its home state's name.
SELECT c.*, p.name AS hq_name FROM companies c LEFT JOIN participants p ON p.participant_id = c.hq_country
ORDER BY c.name
