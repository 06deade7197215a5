-- count_cells gains rows with intervention_type '*': the breakdowns summed over the types
-- that count in their year (counts.go, countedTypes), so that the indicator reads one row
-- per kecamatan rather than one per kecamatan and type. Forgetting the recorded rules
-- makes the next SetCountingRules (every start) rebuild the counts with those rows.
DELETE FROM count_rules;
