-- 007_orgs_version.sql (SQLite): the version behind cached organization
-- pages, bumped by whatever those pages show: organizations and aliases,
-- cities, events and their organizations, and the public facts of members.
INSERT INTO cache_versions (name, version) VALUES ('orgs', 1);

CREATE TRIGGER orgs_v_orgs_i AFTER INSERT ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_orgs_u AFTER UPDATE ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_orgs_d AFTER DELETE ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_alias_i AFTER INSERT ON org_aliases BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_alias_u AFTER UPDATE ON org_aliases BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_alias_d AFTER DELETE ON org_aliases BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_cities_i AFTER INSERT ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_cities_u AFTER UPDATE ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_cities_d AFTER DELETE ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_eorgs_i AFTER INSERT ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_eorgs_u AFTER UPDATE ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_eorgs_d AFTER DELETE ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_events_u AFTER UPDATE OF title_zh, title_en, starts_at ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_events_d AFTER DELETE ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_users_i AFTER INSERT ON users WHEN new.org_id IS NOT NULL BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_users_u AFTER UPDATE OF org_id, display_name, title, profile_public, deleted_at ON users BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
CREATE TRIGGER orgs_v_users_d AFTER DELETE ON users BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'orgs'; END;
