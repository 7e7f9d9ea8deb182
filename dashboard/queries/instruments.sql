-- Every instrument with its rule and dates.
SELECT * FROM instruments ORDER BY coalesce(adopted_on, opened_on, DATE '1900-01-01'), instrument_id
