-- 002_cache_versions.sql (SQLite): versions of the data behind cached pages.
-- Triggers bump 'home' whenever something the home page shows changes, so
-- every server process sees the change on its next request.
CREATE TABLE cache_versions (
	name TEXT PRIMARY KEY,
	version INTEGER NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('home', 1);

CREATE TRIGGER home_v_orgs_i AFTER INSERT ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_orgs_u AFTER UPDATE ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_orgs_d AFTER DELETE ON orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_cities_i AFTER INSERT ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_cities_u AFTER UPDATE ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_cities_d AFTER DELETE ON cities BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_series_i AFTER INSERT ON event_series BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_series_u AFTER UPDATE ON event_series BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_series_d AFTER DELETE ON event_series BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_events_i AFTER INSERT ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_events_u AFTER UPDATE OF series_id, seq, title_zh, title_en, city_id, venue,
	starts_at, ends_at, status, capacity, registered_text, reach_text ON events
	BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_events_d AFTER DELETE ON events BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_eorgs_i AFTER INSERT ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_eorgs_u AFTER UPDATE ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_eorgs_d AFTER DELETE ON event_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_topics_i AFTER INSERT ON event_topics BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_topics_u AFTER UPDATE ON event_topics BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_topics_d AFTER DELETE ON event_topics BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_channels_i AFTER INSERT ON channels BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_channels_u AFTER UPDATE ON channels BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
CREATE TRIGGER home_v_channels_d AFTER DELETE ON channels BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'home'; END;
