-- Public schema of the Atlas DuckDB file. The build validates every row in Python first
-- (dashboard/validate.py); these constraints are the second gate. Documented in data/README.md.

CREATE TYPE action_t AS ENUM ('signed', 'ratified', 'approved', 'accepted', 'acceded', 'endorsed', 'joined', 'declined', 'withdrew',
    'sponsored', 'voted_yes', 'voted_no', 'abstained');
CREATE TYPE stance_t AS ENUM ('signed', 'declined', 'partial', 'withdrew', 'supported', 'opposed', 'not_listed');
CREATE TYPE kind_t AS ENUM ('treaty', 'regulation', 'law', 'executive_order', 'bill', 'declaration', 'statement',
    'initiative', 'memorandum', 'voluntary_pact', 'code_of_practice', 'code_of_conduct', 'commitments', 'resolution',
    'recommendation', 'principles', 'accord', 'network', 'strategy', 'plan', 'guidelines');
CREATE TYPE scope_t AS ENUM ('global', 'regional', 'plurilateral', 'bilateral', 'national', 'subnational');
CREATE TYPE status_t AS ENUM ('in_force', 'not_in_force', 'adopted', 'scheduled', 'pending', 'vetoed', 'revoked',
    'repealed', 'superseded', 'expired');
CREATE TYPE precision_t AS ENUM ('day', 'month', 'year', 'on_or_before');
CREATE TYPE event_kind_t AS ENUM ('adopted', 'opened_for_signature', 'signature', 'ratification', 'in_force', 'applies',
    'amended', 'proposed', 'published', 'vetoed', 'revoked', 'announced', 'milestone', 'repealed', 'superseded',
    'signed_into_law', 'vote');
CREATE TYPE source_kind_t AS ENUM ('depositary', 'official', 'company', 'press', 'secondary');
CREATE TYPE count_noun_t AS ENUM ('signatories', 'endorsers', 'parties', 'members', 'sponsors', 'voting states',
    'adherents');
CREATE TYPE bloc_t AS ENUM ('coe', 'eu', 'g7', 'g20', 'oecd', 'au', 'brics');
CREATE TYPE participant_kind_t AS ENUM ('state', 'observer_state', 'organisation');

CREATE TABLE dataset (
    version VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    built_at TIMESTAMP NOT NULL,
    schema_version INTEGER NOT NULL,
    source_digest VARCHAR NOT NULL,
    duckdb_version VARCHAR NOT NULL,
    -- sha256 of the release's whole content (every table, view and macro; this value excluded), set by the build
    -- once everything is written, and repeated in the record <release>.digest.json; see dashboard/integrity.py
    content_sha256 VARCHAR
);

CREATE TABLE source_files (
    path VARCHAR PRIMARY KEY,
    table_name VARCHAR NOT NULL,
    rows INTEGER NOT NULL CHECK (rows >= 0),
    sha256 VARCHAR NOT NULL,
    title VARCHAR,
    producer VARCHAR,
    licence VARCHAR,
    accessed DATE,
    notes VARCHAR
);

CREATE TABLE participants (
    participant_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(participant_id, '[A-Z]{2,5}')),
    name VARCHAR NOT NULL,
    official_name VARCHAR,
    kind participant_kind_t NOT NULL,
    iso2 VARCHAR,
    un_member BOOLEAN NOT NULL,
    region VARCHAR,
    subregion VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    coe_member BOOLEAN NOT NULL,
    eu_member BOOLEAN NOT NULL,
    g7_member BOOLEAN NOT NULL,
    g20_member BOOLEAN NOT NULL,
    oecd_member BOOLEAN NOT NULL,
    au_member BOOLEAN NOT NULL,
    brics_member BOOLEAN NOT NULL,
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+'))
);

CREATE TABLE memberships (
    participant_id VARCHAR NOT NULL REFERENCES participants (participant_id),
    bloc bloc_t NOT NULL,
    joined_on DATE,
    left_on DATE,
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    note VARCHAR,
    PRIMARY KEY (participant_id, bloc),
    CHECK (left_on IS NULL OR joined_on IS NULL OR left_on >= joined_on)
);

CREATE TABLE instruments (
    instrument_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(instrument_id, '[a-z0-9]+(-[a-z0-9]+)*')),
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL CHECK (length(short_name) <= 40),
    kind kind_t NOT NULL,
    legally_binding BOOLEAN NOT NULL,
    scope scope_t NOT NULL,
    issuer VARCHAR,
    jurisdiction_id VARCHAR REFERENCES participants (participant_id),
    adopted_on DATE,
    opened_on DATE,
    in_force_on DATE,
    ended_on DATE,
    status status_t NOT NULL,
    superseded_by VARCHAR,
    eif_parties_required INTEGER CHECK (eif_parties_required IS NULL OR eif_parties_required > 0),
    eif_min_coe_members INTEGER CHECK (eif_min_coe_members IS NULL OR eif_min_coe_members >= 0),
    eif_delay_months INTEGER CHECK (eif_delay_months IS NULL OR eif_delay_months >= 0),
    summary VARCHAR,
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    note VARCHAR,
    CHECK (eif_min_coe_members IS NULL OR eif_min_coe_members <= eif_parties_required)
);

CREATE TABLE actions (
    action_id INTEGER PRIMARY KEY,
    instrument_id VARCHAR NOT NULL REFERENCES instruments (instrument_id),
    participant_id VARCHAR NOT NULL REFERENCES participants (participant_id),
    action action_t NOT NULL,
    action_date DATE NOT NULL,
    date_precision precision_t NOT NULL,
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    note VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    UNIQUE (instrument_id, participant_id, action, action_date)
);

CREATE TABLE companies (
    company_id VARCHAR PRIMARY KEY CHECK (regexp_full_match(company_id, '[a-z0-9]+(-[a-z0-9]+)*')),
    name VARCHAR NOT NULL,
    hq_country VARCHAR REFERENCES participants (participant_id),
    website VARCHAR CHECK (website IS NULL OR regexp_full_match(website, 'https?://[^\s<>"]+')),
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    note VARCHAR
);

CREATE TABLE stances (
    stance_id INTEGER PRIMARY KEY,
    company_id VARCHAR NOT NULL REFERENCES companies (company_id),
    instrument_id VARCHAR NOT NULL REFERENCES instruments (instrument_id),
    stance stance_t NOT NULL,
    stance_date DATE NOT NULL,
    date_precision precision_t NOT NULL,
    quote VARCHAR,
    quote_by VARCHAR,
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    note VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    UNIQUE (company_id, instrument_id, stance, stance_date)
);

CREATE TABLE events (
    event_id INTEGER PRIMARY KEY,
    event_date DATE NOT NULL,
    date_precision precision_t NOT NULL,
    instrument_id VARCHAR NOT NULL REFERENCES instruments (instrument_id),
    kind event_kind_t NOT NULL,
    title VARCHAR NOT NULL CHECK (length(title) <= 120),
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    UNIQUE (instrument_id, event_date, title)
);

-- How many participants an authoritative source reports on a day, and whether the named list is the whole list.
CREATE TABLE counts (
    instrument_id VARCHAR NOT NULL REFERENCES instruments (instrument_id),
    reported_count INTEGER NOT NULL CHECK (reported_count >= 0),
    count_is_approx BOOLEAN NOT NULL,
    noun count_noun_t NOT NULL,
    list_complete BOOLEAN NOT NULL,
    as_reported_on DATE NOT NULL,
    source_url VARCHAR NOT NULL CHECK (regexp_full_match(source_url, 'https?://[^\s<>"]+')),
    source_kind source_kind_t NOT NULL,
    evidence_url VARCHAR CHECK (evidence_url IS NULL OR regexp_full_match(evidence_url, 'https?://[^\s<>"]+')),
    checked_on DATE NOT NULL,
    verified BOOLEAN NOT NULL,
    note VARCHAR,
    PRIMARY KEY (instrument_id, as_reported_on)
);

-- What changed from release to release (dashboard/changelog.py), carried forward: each release holds the whole
-- history. change is added | removed | changed | verified | unverified | new_source; field and the two values are
-- given for a changed field.
CREATE TABLE changelog (
    change_id INTEGER PRIMARY KEY,
    release_version VARCHAR NOT NULL,
    changed_on DATE NOT NULL,
    table_name VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    change VARCHAR NOT NULL CHECK (change IN ('added', 'removed', 'changed', 'verified', 'unverified', 'new_source')),
    field VARCHAR,
    old_value VARCHAR,
    new_value VARCHAR,
    instrument_id VARCHAR,
    participant_id VARCHAR,
    company_id VARCHAR,
    source_url VARCHAR,
    summary VARCHAR NOT NULL
);
