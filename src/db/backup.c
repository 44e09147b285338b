/* backup.c: db_backup and db_restore (backup.h).
 *
 * pg_dump and SQLite's backup API each copy one engine to itself; this
 * format is read and written through db.h so one file restores into
 * either engine. Table and column names in the statements built here come
 * from the database's own catalog, never from outside, and are quoted;
 * every value travels as a parameter. */
#include "db/backup.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "base/banned.h"

struct table {
	const char *name;
	int ncols;
	const char **cols, **types; /* declared types, lower case */
	int nfk;
	int *fk_col;	    /* column index of each foreign key */
	const char **fk_ref; /* the table it points at */
	int has_id, identity; /* an "id" column; PostgreSQL: it is an identity */
	int placed;
};

struct catalog {
	int n;
	struct table *t;
};

/* Tables a backup leaves out: the schema's own record, the search
 * index, its queue and its words, which the restore rebuilds (restoring
 * the sources queues every row again, migration 025), and the page views'
 * daily salts and the day's new members as visitors, which must not
 * outlive their day in a file (the server makes new ones). */
#define DERIVED "('schema_migrations', 'search_docs', 'search_queue', 'search_words', 'view_salts', 'member_joins')"

static const char sqlite_tables[] =
	"m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN " DERIVED " "
	"AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
	"AND m.name NOT IN (SELECT name || suffix FROM sqlite_master, "
	"(SELECT '_data' AS suffix UNION ALL SELECT '_idx' UNION ALL SELECT '_content' "
	"UNION ALL SELECT '_docsize' UNION ALL SELECT '_config') WHERE sql LIKE 'CREATE VIRTUAL TABLE%')";

static struct table *find_table(struct catalog *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->t[i].name, name))
			return &c->t[i];
	return NULL;
}

static int find_col(const struct table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return i;
	return -1;
}

/* The tables (but the DERIVED ones and SQLite's search indexes), their
 * columns in order with declared types, and their foreign keys. */
static int catalog_load(db *d, arena *a, struct catalog *c, err *e)
{
	int pg = db_engine_of(d) == DB_POSTGRES;
	db_res cols, fks;
	int rc = db_query(d, a, pg ? "SELECT c.table_name::text, c.column_name::text, lower(c.data_type::text), "
				     "CASE WHEN c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%' THEN 1 ELSE 0 END "
				     "FROM information_schema.columns c JOIN information_schema.tables t "
				     "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
				     "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
				     "AND c.is_generated <> 'ALWAYS' AND NOT EXISTS (SELECT 1 FROM pg_class k "
				     "WHERE k.relname = c.table_name AND k.relispartition "
				     "AND k.relnamespace = current_schema()::regnamespace) "
				     "AND c.table_name NOT IN " DERIVED " ORDER BY 1, c.ordinal_position"
				   : arena_printf(a, "SELECT m.name, p.name, lower(p.type), 0 FROM sqlite_master m, "
						     "pragma_table_info(m.name) p WHERE %s ORDER BY 1, p.cid", sqlite_tables),
			  DB_NOARGS, &cols, e);
	if (!rc)
		rc = db_query(d, a, pg ? "SELECT cl.relname::text, at.attname::text, ref.relname::text FROM pg_constraint k "
					 "JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class ref ON ref.oid = k.confrelid "
					 "JOIN pg_attribute at ON at.attrelid = k.conrelid AND at.attnum = ANY (k.conkey) "
					 "WHERE k.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace ORDER BY 1, 2"
				       : arena_printf(a, "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m, "
							 "pragma_foreign_key_list(m.name) f WHERE %s ORDER BY 1, 2", sqlite_tables),
			      DB_NOARGS, &fks, e);
	if (rc)
		return rc;
	c->n = 0;
	c->t = arena_alloc(a, sizeof(struct table) * (size_t)(cols.nrows + 1));
	for (int i = 0; i < cols.nrows; i++) {
		if (!c->n || strcmp(c->t[c->n - 1].name, db_get(&cols, i, 0))) {
			struct table *t = &c->t[c->n++];
			memset(t, 0, sizeof(*t));
			t->name = db_get(&cols, i, 0);
			t->cols = arena_alloc(a, sizeof(char *) * (size_t)cols.nrows);
			t->types = arena_alloc(a, sizeof(char *) * (size_t)cols.nrows);
			t->fk_col = arena_alloc(a, sizeof(int) * (size_t)(fks.nrows + 1));
			t->fk_ref = arena_alloc(a, sizeof(char *) * (size_t)(fks.nrows + 1));
		}
		struct table *t = &c->t[c->n - 1];
		if (!strcmp(db_get(&cols, i, 1), "id")) {
			t->has_id = 1;
			t->identity = (int)db_get_int(&cols, i, 3);
		}
		t->types[t->ncols] = db_get(&cols, i, 2);
		t->cols[t->ncols++] = db_get(&cols, i, 1);
	}
	for (int i = 0; i < fks.nrows; i++) {
		struct table *t = find_table(c, db_get(&fks, i, 0));
		int col = t ? find_col(t, db_get(&fks, i, 1)) : -1;
		if (col < 0)
			continue;
		t->fk_col[t->nfk] = col;
		t->fk_ref[t->nfk++] = db_get(&fks, i, 2);
	}
	return 0;
}

/* Foreign keys of t to tables not placed yet (its own do not count). */
static int waiting_on(struct catalog *c, const struct table *t)
{
	int n = 0;
	for (int f = 0; f < t->nfk; f++) {
		struct table *ref = find_table(c, t->fk_ref[f]);
		n += ref && ref != t && !ref->placed;
	}
	return n;
}

/* Unplaced tables with a foreign key to t. */
static int wanted_by(struct catalog *c, const struct table *t)
{
	int n = 0;
	for (int i = 0; i < c->n; i++)
		for (int f = 0; !c->t[i].placed && &c->t[i] != t && f < c->t[i].nfk; f++)
			if (!strcmp(c->t[i].fk_ref[f], t->name)) {
				n++;
				break;
			}
	return n;
}

/* The tables in an order where each comes after those it points at. A
 * cycle (members, their organizations and their avatars' files) is broken
 * at the table waiting on the fewest others that most others wait on; its
 * keys to later tables are set after the load (load_table). */
static struct table **load_order(arena *a, struct catalog *c)
{
	struct table **order = arena_alloc(a, sizeof(struct table *) * (size_t)(c->n + 1));
	for (int i = 0; i < c->n; i++)
		c->t[i].placed = 0;
	for (int k = 0; k < c->n; k++) {
		struct table *pick = NULL;
		int best_wait = 0, best_want = 0;
		for (int i = 0; i < c->n; i++) {
			struct table *t = &c->t[i];
			if (t->placed)
				continue;
			int wait = waiting_on(c, t), want = wait ? wanted_by(c, t) : 0;
			if (!pick || wait < best_wait || (wait == best_wait && want > best_want)) {
				pick = t;
				best_wait = wait;
				best_want = want;
			}
			if (!wait)
				break; /* ready: the first such by name */
		}
		pick->placed = 1;
		order[k] = pick;
	}
	return order;
}

static void quoted(buf *b, const char *name)
{
	buf_addc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

static int put_line(FILE *out, json_t *j, struct backup_stats *st, err *e)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return err_set(e, ERR_FAIL, "backup: a row cannot be written as JSON (text that is not UTF-8?)");
	size_t n = strlen(s);
	int bad = fwrite(s, 1, n, out) != n || fputc('\n', out) == EOF;
	free(s);
	st->bytes += (int64_t)n + 1;
	return bad ? err_set(e, ERR_FAIL, "backup: cannot write the file") : 0;
}

static json_t *value_json(const db_res *r, int row, int col)
{
	const char *v = db_get(r, row, col);
	if (!v)
		return json_null();
	switch (r->types[col]) {
	case DBT_INT:
	case DBT_TIME: return json_integer(strtoll(v, NULL, 10));
	case DBT_REAL: return json_real(strtod(v, NULL));
	case DBT_BOOL: return json_boolean(v[0] == 't' || v[0] == '1');
	default: return json_string(v); /* NULL for text that is not UTF-8 */
	}
}

/* One table's rows, a page at a time by physical row order (SQLite's
 * rowid, PostgreSQL's ctid: stable inside the snapshot). A page starts at
 * 16 rows and grows while pages stay small, so 2 MB images and short
 * audit lines alike keep memory bounded. */
static int dump_table(db *d, FILE *out, const struct table *t, struct backup_stats *st, err *e)
{
	int pg = db_engine_of(d) == DB_POSTGRES;
	buf sql = BUF_INIT;
	/* Named apart: ORDER BY ctid must sort by the row, not its text. */
	buf_adds(&sql, pg ? "SELECT ctid::text AS pgherd_row" : "SELECT rowid AS pgherd_row");
	for (int i = 0; i < t->ncols; i++) {
		buf_adds(&sql, ", ");
		quoted(&sql, t->cols[i]);
	}
	buf_adds(&sql, " FROM ");
	quoted(&sql, t->name);
	buf_adds(&sql, pg ? " WHERE ctid > CAST(? AS tid) ORDER BY ctid LIMIT ?" : " WHERE rowid > ? ORDER BY rowid LIMIT ?");
	json_t *cols = json_array();
	for (int i = 0; i < t->ncols; i++)
		json_array_append_new(cols, json_string(t->cols[i]));
	int rc = put_line(out, json_pack("{s:s,s:o}", "table", t->name, "columns", cols), st, e);
	char *after = strdup(pg ? "(0,0)" : "0");
	int64_t limit = 16, rows = 0;
	while (!rc) {
		arena a = ARENA_INIT;
		db_res r;
		rc = db_query(d, &a, sql.s, DB_ARGS(pg ? DB_TEXT(after) : DB_INT(strtoll(after, NULL, 10)), DB_INT(limit)), &r, e);
		size_t bytes = 0;
		for (int i = 0; !rc && i < r.nrows; i++) {
			json_t *row = json_array();
			for (int c = 1; c < r.ncols; c++) {
				json_t *v = value_json(&r, i, c);
				if (!v) {
					json_decref(row);
					rc = err_set(e, ERR_FAIL, "backup: %s.%s holds text that is not UTF-8", t->name,
						     t->cols[c - 1]);
					break;
				}
				const char *s = db_get(&r, i, c);
				bytes += s ? strlen(s) : 0;
				json_array_append_new(row, v);
			}
			if (!rc)
				rc = put_line(out, row, st, e);
		}
		if (!rc && r.nrows) {
			free(after);
			after = strdup(db_get(&r, r.nrows - 1, 0));
			rows += r.nrows;
		}
		int more = !rc && r.nrows == limit;
		arena_release(&a);
		if (!more)
			break;
		if (bytes < 4u << 20 && limit < 4096)
			limit *= 4;
		else if (bytes > 16u << 20 && limit > 1)
			limit /= 4;
	}
	free(after);
	buf_release(&sql);
	if (!rc)
		rc = put_line(out, json_pack("{s:s,s:I}", "table_end", t->name, "rows", (json_int_t)rows), st, e);
	st->rows += rows;
	return rc;
}

static int schema_version(db *d, arena *a, int64_t *v, err *e)
{
	db_res r;
	int rc = db_query(d, a, "SELECT coalesce(max(version), 0) FROM schema_migrations", DB_NOARGS, &r, e);
	if (!rc)
		*v = db_get_int(&r, 0, 0);
	return rc;
}

int db_backup(db *d, FILE *out, struct backup_stats *st, err *e)
{
	memset(st, 0, sizeof(*st));
	int pg = db_engine_of(d) == DB_POSTGRES;
	/* One snapshot for every table: what a single moment held. */
	int rc = db_exec_script(d, pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", e);
	if (rc)
		return rc;
	arena a = ARENA_INIT;
	struct catalog c;
	char now[32];
	time_iso(unix_now(), now);
	if (!(rc = schema_version(d, &a, &st->schema, e)) && !(rc = catalog_load(d, &a, &c, e)))
		rc = put_line(out, json_pack("{s:i,s:s,s:I,s:s,s:s}", "pgherd_backup", BACKUP_FORMAT, "engine",
					     db_engine_name(d), "schema", (json_int_t)st->schema, "made_at", now, "pgherd",
					     PGHERD_VERSION),
			      st, e);
	struct table **order = rc ? NULL : load_order(&a, &c);
	for (int i = 0; !rc && i < c.n; i++) {
		rc = dump_table(d, out, order[i], st, e);
		st->tables++;
	}
	if (!rc)
		rc = put_line(out, json_pack("{s:b,s:i,s:I}", "end", 1, "tables", st->tables, "rows", (json_int_t)st->rows),
			      st, e);
	if (!rc && fflush(out))
		rc = err_set(e, ERR_FAIL, "backup: cannot write the file");
	db_rollback(d); /* read only: nothing to keep */
	arena_release(&a);
	return rc;
}

/* ---- restore ---- */

/* One line of the file, parsed; NULL at the end of the file. */
struct reader {
	FILE *in;
	char *line;
	size_t cap;
	int64_t lineno, bytes;
};

static json_t *next_line(struct reader *rd, err *e, int *rc)
{
	ssize_t n = getline(&rd->line, &rd->cap, rd->in);
	if (n <= 0)
		return NULL;
	rd->bytes += n;
	rd->lineno++;
	json_error_t je;
	json_t *j = json_loadb(rd->line, (size_t)n, 0, &je);
	if (!j)
		*rc = err_set(e, ERR_INPUT, "this is not a pgherd backup, or it is damaged (line %lld: %s)",
			      (long long)rd->lineno, je.text);
	return j;
}

/* A value from the file as a parameter for a column of declared type t. */
static db_param param_of(arena *a, json_t *v, const char *t)
{
	if (!v || json_is_null(v))
		return DB_NULL;
	int is_time = strstr(t, "timestamp") != NULL, is_bool = !strcmp(t, "boolean");
	if (json_is_boolean(v))
		return is_bool ? DB_BOOL(json_is_true(v)) : DB_INT(json_is_true(v));
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		return is_time ? DB_TIME(i) : is_bool ? DB_BOOL(i) : DB_INT(i);
	}
	if (json_is_real(v))
		return DB_REAL(json_real_value(v));
	return DB_TEXT(arena_strndup(a, json_string_value(v), json_string_length(v)));
}

struct deferred {
	const char *table, *col; /* in the catalog's arena */
	int64_t id;
	json_t *value;
};

struct restore {
	db *d;
	struct reader rd;
	struct backup_stats *st;
	struct deferred *def;
	size_t ndef, capdef;
};

static int defer(struct restore *x, const char *table, const char *col, int64_t id, json_t *value)
{
	if (x->ndef == x->capdef) {
		x->capdef = x->capdef ? x->capdef * 2 : 64;
		struct deferred *p = realloc(x->def, x->capdef * sizeof(*p));
		if (!p)
			abort();
		x->def = p;
	}
	x->def[x->ndef++] = (struct deferred){ table, col, id, json_incref(value) };
	return 0;
}

/* One table's section: its rows inserted with the target's column types.
 * On PostgreSQL a foreign key to a table not loaded yet (or its own) is
 * set afterwards, by id; SQLite loads with foreign keys off and checks
 * them all at the end. */
static int load_table(struct restore *x, struct catalog *c, json_t *head, err *e)
{
	int pg = db_engine_of(x->d) == DB_POSTGRES;
	const char *name = json_string_value(json_object_get(head, "table"));
	json_t *cols = json_object_get(head, "columns");
	struct table *t = name ? find_table(c, name) : NULL;
	if (!t || !json_is_array(cols))
		return err_set(e, ERR_INPUT, "the backup holds a table this database does not have: %s", name ? name : "?");
	size_t n = json_array_size(cols);
	int *map = calloc(n + 1, sizeof(int)), *later = calloc(n + 1, sizeof(int));
	int idcol = -1, rc = 0;
	buf sql = BUF_INIT;
	buf_adds(&sql, "INSERT INTO ");
	quoted(&sql, t->name);
	buf_adds(&sql, " (");
	for (size_t i = 0; i < n && !rc; i++) {
		const char *col = json_string_value(json_array_get(cols, i));
		map[i] = col ? find_col(t, col) : -1;
		if (map[i] < 0) {
			rc = err_set(e, ERR_INPUT, "the backup's %s.%s is not in this database's schema", t->name, col ? col : "?");
			break;
		}
		if (!strcmp(col, "id"))
			idcol = (int)i;
		for (int f = 0; pg && f < t->nfk; f++)
			if (t->fk_col[f] == map[i]) {
				struct table *ref = find_table(c, t->fk_ref[f]);
				later[i] = ref && (ref == t || !ref->placed);
			}
		buf_adds(&sql, i ? ", " : "");
		quoted(&sql, col);
	}
	buf_adds(&sql, ") VALUES (");
	for (size_t i = 0; i < n; i++)
		buf_adds(&sql, i ? ", ?" : "?");
	buf_adds(&sql, ")");
	for (size_t i = 0; i < n && !rc; i++)
		if (later[i] && idcol < 0)
			rc = err_set(e, ERR_FAIL, "%s points at itself or at a table after it, and has no id to set that by", t->name);
	db_param *p = malloc(sizeof(db_param) * (n + 1));
	int64_t rows = 0;
	while (!rc) {
		json_t *row = next_line(&x->rd, e, &rc);
		if (!row) {
			if (!rc)
				rc = err_set(e, ERR_INPUT, "the backup ends in the middle of table %s: the file is cut short",
					     t->name);
			break;
		}
		if (json_is_object(row)) {
			json_t *end = json_object_get(row, "table_end");
			if (!end || strcmp(json_string_value(end) ? json_string_value(end) : "", t->name) ||
			    json_integer_value(json_object_get(row, "rows")) != rows)
				rc = err_set(e, ERR_INPUT, "the backup's table %s is incomplete", t->name);
			json_decref(row);
			break;
		}
		if (!json_is_array(row) || json_array_size(row) != n) {
			json_decref(row);
			rc = err_set(e, ERR_INPUT, "a row of %s does not match its columns", t->name);
			break;
		}
		arena a = ARENA_INIT;
		for (size_t i = 0; i < n; i++)
			p[i] = later[i] ? DB_NULL : param_of(&a, json_array_get(row, i), t->types[map[i]]);
		rc = db_exec(x->d, sql.s, p, (int)n, NULL, e);
		for (size_t i = 0; !rc && i < n; i++)
			if (later[i] && !json_is_null(json_array_get(row, i)))
				rc = defer(x, t->name, t->cols[map[i]], json_integer_value(json_array_get(row, (size_t)idcol)),
					   json_array_get(row, i));
		arena_release(&a);
		json_decref(row);
		rows++;
	}
	t->placed = 1;
	x->st->rows += rows;
	x->st->tables++;
	free(p);
	free(map);
	free(later);
	buf_release(&sql);
	return rc;
}

static int restore_tx(db *d, void *ctx, err *e)
{
	struct restore *x = ctx;
	int pg = db_engine_of(d) == DB_POSTGRES;
	arena a = ARENA_INIT;
	struct catalog c;
	int rc = catalog_load(d, &a, &c, e);
	/* What the migrations seeded makes way for what the backup holds;
	 * so do the day's new members as visitors (left out of backups), who
	 * name accounts of the database being replaced. */
	if (!rc)
		rc = db_exec(d, "DELETE FROM member_joins", DB_NOARGS, NULL, e);
	if (!rc && pg && c.n) {
		buf b = BUF_INIT;
		buf_adds(&b, "TRUNCATE member_joins, ");
		for (int i = 0; i < c.n; i++) {
			buf_adds(&b, i ? ", " : "");
			quoted(&b, c.t[i].name);
		}
		rc = db_exec_script(d, b.s, e);
		buf_release(&b);
	}
	for (int i = 0; !rc && !pg && i < c.n; i++) {
		buf b = BUF_INIT;
		buf_adds(&b, "DELETE FROM ");
		quoted(&b, c.t[i].name);
		rc = db_exec(d, b.s, DB_NOARGS, NULL, e);
		buf_release(&b);
	}
	for (int i = 0; i < c.n; i++)
		c.t[i].placed = 0;
	int ended = 0;
	while (!rc) {
		json_t *j = next_line(&x->rd, e, &rc);
		if (!j)
			break;
		if (json_is_true(json_object_get(j, "end"))) {
			ended = json_integer_value(json_object_get(j, "rows")) == x->st->rows;
			json_decref(j);
			break;
		}
		rc = load_table(x, &c, j, e);
		json_decref(j);
	}
	if (!rc && !ended)
		rc = err_set(e, ERR_INPUT, "the backup has no end line or its counts differ: the file is cut short");
	for (size_t i = 0; !rc && i < x->ndef; i++) {
		buf b = BUF_INIT;
		buf_adds(&b, "UPDATE ");
		quoted(&b, x->def[i].table);
		buf_adds(&b, " SET ");
		quoted(&b, x->def[i].col);
		buf_adds(&b, " = ? WHERE id = ?");
		rc = db_exec(d, b.s, DB_ARGS(DB_INT(json_integer_value(x->def[i].value)), DB_INT(x->def[i].id)), NULL, e);
		buf_release(&b);
	}
	if (!rc && !pg) {
		db_res bad;
		rc = db_query(d, &a, "SELECT \"table\", rowid FROM pragma_foreign_key_check LIMIT 1", DB_NOARGS, &bad, e);
		if (!rc && bad.nrows)
			rc = err_set(e, ERR_INPUT, "the backup's table %s points at rows it does not hold", db_get(&bad, 0, 0));
	}
	/* New rows get ids after the restored ones. */
	for (int i = 0; !rc && pg && i < c.n; i++) {
		if (!c.t[i].identity)
			continue;
		buf b = BUF_INIT;
		buf_adds(&b, "SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce(max(id), 0) + 1, false) FROM ");
		quoted(&b, c.t[i].name);
		db_res r;
		rc = db_query(d, &a, b.s, DB_ARGS(DB_TEXT(arena_printf(&a, "\"%s\"", c.t[i].name))), &r, e);
		buf_release(&b);
	}
	arena_release(&a);
	return rc;
}

int db_restore(db *d, FILE *in, struct backup_stats *st, err *e)
{
	memset(st, 0, sizeof(*st));
	struct restore x = { d, { in, NULL, 0, 0, 0 }, st, NULL, 0, 0 };
	int rc = 0;
	json_t *head = next_line(&x.rd, e, &rc);
	if (!rc && (!head || json_integer_value(json_object_get(head, "pgherd_backup")) != BACKUP_FORMAT))
		rc = err_set(e, ERR_INPUT, "this is not a pgherd backup (it has no pgherd_backup header)");
	st->schema = head ? json_integer_value(json_object_get(head, "schema")) : 0;
	json_decref(head);
	int64_t mine = db_migrations_latest(d);
	if (!rc && st->schema > mine)
		rc = err_set(e, ERR_INPUT, "this backup is of schema %lld, made by a newer pgherd (this one knows %lld)",
			     (long long)st->schema, (long long)mine);
	/* The backup's own schema first: its columns are the ones loaded. */
	if (!rc)
		rc = db_migrate_upto(d, st->schema, NULL, e);
	arena a = ARENA_INIT;
	db_res r;
	if (!rc)
		rc = db_query(d, &a, "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM events)", DB_NOARGS, &r, e);
	if (!rc && (db_get_int(&r, 0, 0) || db_get_int(&r, 0, 1)))
		rc = err_set(e, ERR_INPUT, "this database already holds a community (%lld accounts, %lld events): "
					   "restore into an empty database",
			     (long long)db_get_int(&r, 0, 0), (long long)db_get_int(&r, 0, 1));
	arena_release(&a);
	int sqlite = db_engine_of(d) == DB_SQLITE;
	if (!rc && sqlite)
		rc = db_exec_script(d, "PRAGMA foreign_keys = OFF", e); /* only outside a transaction */
	if (!rc)
		rc = db_begin(d, e);
	if (!rc) {
		rc = restore_tx(d, &x, e);
		if (rc)
			db_rollback(d);
		else
			rc = db_commit(d, e);
	}
	if (sqlite) {
		err e2 = ERR_INIT;
		db_exec_script(d, "PRAGMA foreign_keys = ON", &e2);
	}
	for (size_t i = 0; i < x.ndef; i++)
		json_decref(x.def[i].value);
	free(x.def);
	free(x.rd.line);
	st->bytes = x.rd.bytes;
	if (!rc)
		rc = db_migrate(d, NULL, e); /* and on to this binary's schema */
	return rc;
}
