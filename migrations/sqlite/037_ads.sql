-- Ads: a sponsor organization's banner in a place on the site (the home
-- page, the events list, the articles list) for a period of days (the
-- community's calendar, both included), with its image, link and title in
-- both languages, and what it was paid (integer fen). Their impressions
-- (the banner's image loaded) and clicks (through /ads/ID/go) are counted
-- by day, as are sponsored articles' impressions in lists; the
-- sponsors' contacts are the accounts that may read their report.
CREATE TABLE ads (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	place TEXT NOT NULL CHECK (place IN ('home', 'events', 'articles')),
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	starts_on INTEGER NOT NULL,
	ends_on INTEGER NOT NULL,
	title_zh TEXT NOT NULL,
	title_en TEXT NOT NULL,
	link TEXT NOT NULL,
	image_file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
	fee_fen INTEGER CHECK (fee_fen >= 0),
	created_at INTEGER NOT NULL,
	CHECK (ends_on >= starts_on)
);
CREATE INDEX ads_place ON ads(place, starts_on);
CREATE INDEX ads_org ON ads(org_id);
CREATE TABLE ad_days (
	ad_id INTEGER NOT NULL REFERENCES ads(id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	impressions INTEGER NOT NULL DEFAULT 0,
	clicks INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ad_id, day)
);
CREATE TABLE article_days (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	day INTEGER NOT NULL,
	impressions INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (article_id, day)
);
CREATE TABLE sponsor_contacts (
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX sponsor_contacts_user ON sponsor_contacts(user_id);
-- The pages that show ads are kept for visitors: a change to ads is a new page.
CREATE TRIGGER ads_v_i AFTER INSERT ON ads BEGIN UPDATE cache_versions SET version = version + 1 WHERE name IN ('home', 'events', 'content'); END;
CREATE TRIGGER ads_v_u AFTER UPDATE ON ads BEGIN UPDATE cache_versions SET version = version + 1 WHERE name IN ('home', 'events', 'content'); END;
CREATE TRIGGER ads_v_d AFTER DELETE ON ads BEGIN UPDATE cache_versions SET version = version + 1 WHERE name IN ('home', 'events', 'content'); END;
