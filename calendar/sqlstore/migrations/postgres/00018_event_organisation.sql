-- Events scoped to an organisation (issue 12), on postgres. Keep it in step
-- with ../sqlite/00018_event_organisation.sql.
--
-- meetings.organisation_id is calendar.Meeting.Organisation: NULL for an
-- event of the whole installation (and for every meeting with bodies); an
-- organisation for an event only for that organisation's people (its own
-- people and the members of the bodies it hosts), so that an installation
-- of several regions does not put one region's conference days into
-- every personal feed of the country. The partial index serves the check
-- that an organisation still in use is not deleted; the personal feed
-- reads the column of the meetings it already walks.

-- +goose Up
ALTER TABLE meetings ADD COLUMN organisation_id BIGINT REFERENCES organisations (id);
CREATE INDEX meetings_organisation ON meetings (organisation_id) WHERE organisation_id IS NOT NULL;

-- +goose Down
DROP INDEX meetings_organisation;
ALTER TABLE meetings DROP COLUMN organisation_id;
