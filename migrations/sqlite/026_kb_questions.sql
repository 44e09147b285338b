-- 026_kb_questions.sql (SQLite): the knowledge base and expert Q&A.
-- An entry is a question and its answer in one or two languages, with
-- tags and sources; it comes from an editor, from an event's debate (a
-- question its organizers marked for the knowledge base: the triggers
-- below make the entry, and hide it when the mark is taken off), or from
-- a member's question whose accepted answer an editor kept. Members ask;
-- experts (members an editor marked, with their specialties) and anyone
-- answer; the asker or an editor accepts one answer.
CREATE TABLE kb_entries (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	question_zh TEXT NOT NULL DEFAULT '',
	question_en TEXT NOT NULL DEFAULT '',
	answer_zh TEXT NOT NULL DEFAULT '',
	answer_en TEXT NOT NULL DEFAULT '',
	sources TEXT NOT NULL DEFAULT '',
	event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
	debate_question_id INTEGER UNIQUE REFERENCES debate_questions(id) ON DELETE SET NULL,
	question_id INTEGER UNIQUE,
	hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK (question_zh <> '' OR question_en <> '')
);
CREATE INDEX kb_entries_event ON kb_entries(event_id);
CREATE TABLE kb_tags (
	entry_id INTEGER NOT NULL REFERENCES kb_entries(id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (entry_id, tag)
);
CREATE INDEX kb_tags_tag ON kb_tags(tag, entry_id);

CREATE TABLE experts (
	user_id INTEGER PRIMARY KEY REFERENCES users(id),
	specialties_zh TEXT NOT NULL DEFAULT '',
	specialties_en TEXT NOT NULL DEFAULT '',
	since INTEGER NOT NULL
);

CREATE TABLE questions (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id INTEGER NOT NULL REFERENCES users(id),
	title TEXT NOT NULL CHECK (title <> ''),
	body TEXT NOT NULL DEFAULT '',
	event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
	accepted_answer_id INTEGER,
	created_at INTEGER NOT NULL
);
CREATE INDEX questions_open ON questions(accepted_answer_id, id);
CREATE TABLE question_tags (
	question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (question_id, tag)
);
CREATE TABLE answers (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	body TEXT NOT NULL CHECK (body <> ''),
	created_at INTEGER NOT NULL
);
CREATE INDEX answers_question ON answers(question_id, id);

INSERT INTO cache_versions (name, shard, version) VALUES ('kb', 0, 1);
CREATE TRIGGER kb_v_entries_i AFTER INSERT ON kb_entries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_entries_u AFTER UPDATE ON kb_entries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_entries_d AFTER DELETE ON kb_entries BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_tags_i AFTER INSERT ON kb_tags BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_tags_d AFTER DELETE ON kb_tags BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_experts_i AFTER INSERT ON experts BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_experts_u AFTER UPDATE ON experts BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_experts_d AFTER DELETE ON experts BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_questions_i AFTER INSERT ON questions BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_questions_u AFTER UPDATE ON questions BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_questions_d AFTER DELETE ON questions BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_answers_i AFTER INSERT ON answers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;
CREATE TRIGGER kb_v_answers_d AFTER DELETE ON answers BEGIN UPDATE cache_versions SET version = version + 1 WHERE name = 'kb'; END;

-- A debate question marked for the knowledge base is an entry of it.
CREATE TRIGGER kb_from_debate_i AFTER INSERT ON debate_questions WHEN NEW.kb = 1 BEGIN
	INSERT INTO kb_entries (question_zh, answer_zh, event_id, debate_question_id, created_at, updated_at)
	VALUES (NEW.question, NEW.answer, NEW.event_id, NEW.id, NEW.created_at, NEW.created_at)
	ON CONFLICT (debate_question_id) DO UPDATE SET hidden = 0;
END;
CREATE TRIGGER kb_from_debate_u AFTER UPDATE OF kb, question, answer ON debate_questions BEGIN
	INSERT INTO kb_entries (question_zh, answer_zh, event_id, debate_question_id, hidden, created_at, updated_at)
	SELECT NEW.question, NEW.answer, NEW.event_id, NEW.id, 0, NEW.created_at, CAST(strftime('%s', 'now') AS INTEGER)
	WHERE NEW.kb = 1
	ON CONFLICT (debate_question_id) DO UPDATE SET hidden = 0;
	UPDATE kb_entries SET hidden = 1 WHERE debate_question_id = NEW.id AND NEW.kb = 0;
END;

CREATE TRIGGER search_q_kb_i AFTER INSERT ON kb_entries BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('kb', new.id); END;
CREATE TRIGGER search_q_kb_u AFTER UPDATE ON kb_entries BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('kb', new.id); END;
CREATE TRIGGER search_q_kb_d AFTER DELETE ON kb_entries BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('kb', old.id); END;
CREATE TRIGGER search_q_questions_i AFTER INSERT ON questions BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('question', new.id); END;
CREATE TRIGGER search_q_questions_u AFTER UPDATE ON questions BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('question', new.id); END;
CREATE TRIGGER search_q_questions_d AFTER DELETE ON questions BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('question', old.id); END;
CREATE TRIGGER search_q_answers_i AFTER INSERT ON answers BEGIN INSERT INTO search_queue (kind, ref_id) VALUES ('question', new.question_id); END;

INSERT INTO kb_entries (question_zh, answer_zh, event_id, debate_question_id, created_at, updated_at)
	SELECT question, answer, event_id, id, created_at, created_at FROM debate_questions WHERE kb = 1;
