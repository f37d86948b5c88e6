-- AssetTrack schema, version 1. Documented column by column in docs/schema.md.

CREATE TABLE holders (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    badge_code  TEXT NOT NULL UNIQUE CHECK (length(badge_code) > 0),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE cases (
    id         INTEGER PRIMARY KEY,
    case_code  TEXT NOT NULL UNIQUE CHECK (length(case_code) > 0),
    name       TEXT NOT NULL DEFAULT '',
    rows       INTEGER NOT NULL CHECK (rows >= 1),
    cols       INTEGER NOT NULL CHECK (cols >= 1)
);

CREATE TABLE assets (
    id                 INTEGER PRIMARY KEY,
    asset_tag          TEXT NOT NULL UNIQUE CHECK (length(asset_tag) > 0),
    serial             TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    location_type      TEXT NOT NULL DEFAULT 'STORAGE'
                       CHECK (location_type IN ('STORAGE', 'IN_CUSTODY')),
    current_holder_id  INTEGER REFERENCES holders(id),
    CHECK ((location_type = 'IN_CUSTODY') = (current_holder_id IS NOT NULL))
);

CREATE TABLE slots (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    position  INTEGER NOT NULL CHECK (position >= 1),
    asset_id  INTEGER REFERENCES assets(id),
    UNIQUE (case_id, position)
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    batch_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL CHECK (event_type IN (
                    'RECEIVE', 'SLOT_ASSIGN', 'SLOT_MOVE', 'STOCK_OUT', 'STOCK_IN',
                    'HOLDER_ADD', 'HOLDER_RENAME', 'HOLDER_DEACTIVATE', 'HOLDER_REACTIVATE',
                    'CASE_CREATE')),
    asset_id    INTEGER REFERENCES assets(id),
    holder_id   INTEGER REFERENCES holders(id),
    slot_id     INTEGER REFERENCES slots(id),
    operator    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    CHECK (asset_id IS NOT NULL OR event_type IN (
        'HOLDER_ADD', 'HOLDER_RENAME', 'HOLDER_DEACTIVATE', 'HOLDER_REACTIVATE', 'CASE_CREATE')),
    CHECK (event_type NOT IN ('STOCK_OUT', 'STOCK_IN')
           OR (holder_id IS NOT NULL AND slot_id IS NOT NULL))
);

-- Lookups: exact tag is the UNIQUE index; dash-stripped and case-insensitive (for the Caps Lock
-- hint) lookups use expression indexes, so no scan ever walks the table.
CREATE INDEX assets_tag_nodash ON assets (replace(asset_tag, '-', ''));
CREATE INDEX assets_tag_nodash_nocase ON assets (replace(asset_tag, '-', '') COLLATE NOCASE);
CREATE INDEX assets_holder ON assets (current_holder_id) WHERE current_holder_id IS NOT NULL;
CREATE INDEX holders_badge_nodash ON holders (replace(badge_code, '-', ''));
CREATE INDEX holders_badge_nodash_nocase ON holders (replace(badge_code, '-', '') COLLATE NOCASE);
CREATE INDEX holders_name ON holders (name);
CREATE INDEX cases_code_nodash ON cases (replace(case_code, '-', ''));
CREATE INDEX cases_code_nodash_nocase ON cases (replace(case_code, '-', '') COLLATE NOCASE);
CREATE UNIQUE INDEX slots_one_per_asset ON slots (asset_id) WHERE asset_id IS NOT NULL;
CREATE INDEX slots_empty ON slots (case_id, position) WHERE asset_id IS NULL;
CREATE INDEX events_asset ON events (asset_id, id);
CREATE INDEX events_batch ON events (batch_id);
CREATE INDEX events_holder ON events (holder_id, id);
CREATE INDEX events_created ON events (created_at);

-- The event log is append-only.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;

-- Things the log refers to are never deleted.
CREATE TRIGGER assets_no_delete BEFORE DELETE ON assets
BEGIN SELECT RAISE(ABORT, 'assets cannot be deleted'); END;
CREATE TRIGGER holders_no_delete BEFORE DELETE ON holders
BEGIN SELECT RAISE(ABORT, 'holders cannot be deleted; deactivate them'); END;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
BEGIN SELECT RAISE(ABORT, 'cases cannot be deleted'); END;
CREATE TRIGGER slots_no_delete BEFORE DELETE ON slots
BEGIN SELECT RAISE(ABORT, 'slots cannot be deleted'); END;

-- Slot positions run 1..rows*cols of their case.
CREATE TRIGGER slots_position_in_case BEFORE INSERT ON slots
WHEN NEW.position > (SELECT rows * cols FROM cases WHERE id = NEW.case_id)
BEGIN SELECT RAISE(ABORT, 'slot position outside its case'); END;
CREATE TRIGGER slots_fixed_place BEFORE UPDATE OF case_id, position ON slots
BEGIN SELECT RAISE(ABORT, 'a slot cannot change case or position'); END;
CREATE TRIGGER cases_fixed_size BEFORE UPDATE OF rows, cols ON cases
BEGIN SELECT RAISE(ABORT, 'a case cannot be resized'); END;

-- An IN_CUSTODY asset is in no slot.
CREATE TRIGGER slots_no_custody_asset_insert BEFORE INSERT ON slots
WHEN NEW.asset_id IS NOT NULL
 AND (SELECT location_type FROM assets WHERE id = NEW.asset_id) = 'IN_CUSTODY'
BEGIN SELECT RAISE(ABORT, 'an asset in custody cannot be put in a slot'); END;
CREATE TRIGGER slots_no_custody_asset_update BEFORE UPDATE OF asset_id ON slots
WHEN NEW.asset_id IS NOT NULL
 AND (SELECT location_type FROM assets WHERE id = NEW.asset_id) = 'IN_CUSTODY'
BEGIN SELECT RAISE(ABORT, 'an asset in custody cannot be put in a slot'); END;
CREATE TRIGGER assets_custody_not_slotted BEFORE UPDATE OF location_type ON assets
WHEN NEW.location_type = 'IN_CUSTODY'
 AND EXISTS (SELECT 1 FROM slots WHERE asset_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'vacate the slot before an asset goes into custody'); END;
-- An inactive holder receives no new custody.
CREATE TRIGGER assets_custody_active_holder BEFORE UPDATE OF current_holder_id ON assets
WHEN NEW.current_holder_id IS NOT NULL
 AND NEW.current_holder_id IS NOT OLD.current_holder_id
 AND (SELECT active FROM holders WHERE id = NEW.current_holder_id) = 0
BEGIN SELECT RAISE(ABORT, 'an inactive holder cannot receive custody'); END;
