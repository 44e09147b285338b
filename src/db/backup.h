/* backup.h: the whole database as one file, and back, on either engine.
 *
 * A backup is JSON lines: a header (format, engine, schema version), then
 * each table's columns and rows, then an end line with the counts, so a
 * file cut short is known. Uploads live in the database and come along.
 * It is read from one snapshot (a read transaction; SQLite's WAL and
 * PostgreSQL's REPEATABLE READ let the server keep writing meanwhile), and
 * it restores into either engine: a community outgrowing SQLite restores
 * its SQLite backup into PostgreSQL. */
#ifndef PGHERD_BACKUP_H
#define PGHERD_BACKUP_H

#include <stdint.h>
#include <stdio.h>

#include "db/db.h"

enum { BACKUP_FORMAT = 1 };

struct backup_stats {
	int tables;
	int64_t rows, bytes;
	int64_t schema; /* the schema version the file holds */
};

/* Writes the database to out. */
int db_backup(db *d, FILE *out, struct backup_stats *st, err *e);

/* Loads a backup into an empty database (migrated first to the backup's
 * schema version, then to this binary's), all in one transaction: a bad or
 * cut file changes nothing. ERR_INPUT (with a message for a person) for a
 * file that is not a whole backup, one made by a newer pgherd, or a
 * database that already holds a community. */
int db_restore(db *d, FILE *in, struct backup_stats *st, err *e);

#endif
