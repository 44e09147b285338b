-- 023_content.sql (SQLite): what the community publishes. An article is
-- one piece in up to two languages (a side left empty is not written);
-- its kind says what it is (a post, news, a sponsored article, an
-- industry case, a white paper, a translated document, an FAQ entry).
-- A member writes a draft and submits it; an editor publishes it now or
-- at a time (publish_at in the future), asks for changes, or takes it
-- down. Every saved text is kept as a version, and every step of the
-- review is a row of article_reviews.
CREATE TABLE articles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL CHECK (kind IN ('article', 'news', 'sponsored', 'case', 'whitepaper', 'translation', 'faq')),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'changes', 'published', 'unpublished')),
	title_zh TEXT NOT NULL DEFAULT '',
	title_en TEXT NOT NULL DEFAULT '',
	summary_zh TEXT NOT NULL DEFAULT '',
	summary_en TEXT NOT NULL DEFAULT '',
	body_zh TEXT NOT NULL DEFAULT '',
	body_en TEXT NOT NULL DEFAULT '',
	media TEXT NOT NULL DEFAULT 'text' CHECK (media IN ('text', 'audio', 'video')),
	media_url TEXT NOT NULL DEFAULT '',
	original_url TEXT NOT NULL DEFAULT '',
	sponsor_org_id INTEGER REFERENCES orgs(id) ON DELETE SET NULL,
	event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
	cover_file_id INTEGER REFERENCES files(id),
	pdf_file_id INTEGER REFERENCES files(id),
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	publish_at INTEGER,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK (title_zh <> '' OR title_en <> ''),
	CHECK (kind <> 'sponsored' OR sponsor_org_id IS NOT NULL OR status <> 'published')
);
CREATE INDEX articles_public ON articles(status, publish_at);
CREATE INDEX articles_kind ON articles(kind, status, publish_at);
CREATE INDEX articles_event ON articles(event_id);
CREATE INDEX articles_author ON articles(created_by);

CREATE TABLE article_authors (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	pos INTEGER NOT NULL,
	PRIMARY KEY (article_id, user_id)
);
CREATE INDEX article_authors_user ON article_authors(user_id);

CREATE TABLE article_tags (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags(tag, article_id);

CREATE TABLE article_industries (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	industry TEXT NOT NULL,
	PRIMARY KEY (article_id, industry)
);

CREATE TABLE article_orgs (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, org_id)
);
CREATE INDEX article_orgs_org ON article_orgs(org_id);

CREATE TABLE article_versions (
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	title_zh TEXT NOT NULL,
	title_en TEXT NOT NULL,
	summary_zh TEXT NOT NULL,
	summary_en TEXT NOT NULL,
	body_zh TEXT NOT NULL,
	body_en TEXT NOT NULL,
	PRIMARY KEY (article_id, version)
);

CREATE TABLE article_reviews (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	at INTEGER NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('submit', 'comment', 'changes', 'publish', 'schedule', 'unpublish')),
	body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX article_reviews_article ON article_reviews(article_id, id);

INSERT INTO cache_versions (name, shard, version) VALUES ('content', 0, 1);
CREATE TRIGGER content_v_articles_i AFTER INSERT ON articles BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_articles_u AFTER UPDATE ON articles BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_articles_d AFTER DELETE ON articles BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_authors_i AFTER INSERT ON article_authors BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_authors_d AFTER DELETE ON article_authors BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_tags_i AFTER INSERT ON article_tags BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_tags_d AFTER DELETE ON article_tags BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_ind_i AFTER INSERT ON article_industries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_ind_d AFTER DELETE ON article_industries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_orgs_i AFTER INSERT ON article_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_orgs_d AFTER DELETE ON article_orgs BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
CREATE TRIGGER content_v_reviews_i AFTER INSERT ON article_reviews BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'content'; END;
-- An event's page lists the write-ups of it: a change to one is a change
-- to that page's data too.
CREATE TRIGGER events_v_articles_i AFTER INSERT ON articles WHEN NEW.event_id IS NOT NULL BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_articles_u AFTER UPDATE ON articles WHEN NEW.event_id IS NOT NULL OR OLD.event_id IS NOT NULL BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
CREATE TRIGGER events_v_articles_d AFTER DELETE ON articles WHEN OLD.event_id IS NOT NULL BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'events'; END;
