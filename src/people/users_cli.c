/* users_cli.c: `pgherd user ...`: accounts from the command line, for the
 * first admin and for the days the web is not the right tool. Every change
 * goes to the audit log with actor "command line". */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "base/util.h"
#include "base/validate.h"
#include "http/http.h"
#include "people/people.h"
#include "base/banned.h"

static const char usage[] =
	"usage: pgherd user add EMAIL NAME [ROLE]      create an account; prints a one-time password\n"
	"       pgherd user list                       every account: id, email, name, role\n"
	"       pgherd user set-role EMAIL ROLE        roles: member speaker volunteer organizer\n"
	"                                              editor treasurer admin\n"
	"       pgherd user reset-password EMAIL       new one-time password; ends the account's sessions\n"
	"       pgherd user ensure-admin EMAIL         create an admin unless one exists (make run does this)\n";

/* 16 random characters a person can type from a printout. */
static void one_time_password(char out[17])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[16] = '\0';
}

static int add(db *d, const char *email_in, const char *name, const char *role_name, FILE *out, FILE *errout)
{
	arena a = ARENA_INIT;
	char *email = ascii_lower(trimmed(&a, email_in));
	int role = role_name ? auth_role_from_name(role_name) : ROLE_MEMBER;
	int rc = 1;
	err e = ERR_INIT;
	if (!valid_email(email)) {
		fprintf(errout, "pgherd user add: '%s' is not an email address\n", email_in);
		goto out;
	}
	if (!*name || text_len(name) > 64 || has_control(name)) {
		fprintf(errout, "pgherd user add: a name has 1 to 64 characters\n");
		goto out;
	}
	if (role < 0) {
		fprintf(errout, "pgherd user add: unknown role '%s'\n%s", role_name, usage);
		goto out;
	}
	char pw[17], hash[crypto_pwhash_STRBYTES];
	one_time_password(pw);
	if (auth_password_hash(pw, hash, sizeof(hash), &e))
		goto fail;
	db_res r;
	/* Hidden like every new profile: its member makes it public. */
	if (db_query(d, &a, "INSERT INTO users (email, display_name, password_hash, role, created_at, profile_public) "
			    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id",
		     DB_ARGS(DB_TEXT(email), DB_TEXT(name), DB_TEXT(hash), DB_TEXT(auth_role_name(role)),
			     DB_TIME(unix_now()), DB_BOOL(0)),
		     &r, &e))
		goto fail;
	if (!r.nrows) {
		fprintf(errout, "pgherd user add: %s already has an account\n", email);
		goto out;
	}
	if (auth_audit(d, 0, "user.add", email, auth_role_name(role), "command line", &e))
		goto fail;
	fprintf(out, "created %s (%s) as %s\none-time password: %s\n"
		     "It is shown only now; change it after the first login.\n",
		email, name, auth_role_name(role), pw);
	rc = 0;
	goto out;
fail:
	fprintf(errout, "pgherd user add: %s\n", e.msg);
out:
	arena_release(&a);
	return rc;
}

static int list(db *d, FILE *out, FILE *errout)
{
	arena a = ARENA_INIT;
	db_res r;
	err e = ERR_INIT;
	if (db_query(d, &a, "SELECT id, coalesce(email, '(deleted)'), display_name, role FROM users ORDER BY id",
		     DB_NOARGS, &r, &e)) {
		fprintf(errout, "pgherd user list: %s\n", e.msg);
		arena_release(&a);
		return 1;
	}
	fprintf(out, "%-6s %-32s %-24s %s\n", "id", "email", "name", "role");
	for (int i = 0; i < r.nrows; i++) {
		fprintf(out, "%-6s ", db_get(&r, i, 0));
		fput_column(out, db_get(&r, i, 1), 32);
		fput_column(out, db_get(&r, i, 2), 24); /* names are often Chinese: two columns a character */
		fprintf(out, "%s\n", db_get(&r, i, 3));
	}
	arena_release(&a);
	return 0;
}

static int set_role(db *d, const char *email_in, const char *role_name, FILE *out, FILE *errout)
{
	arena a = ARENA_INIT;
	char *email = ascii_lower(trimmed(&a, email_in));
	int role = auth_role_from_name(role_name), rc = 1;
	err e = ERR_INIT;
	int64_t changed = 0;
	if (role < 0)
		fprintf(errout, "pgherd user set-role: unknown role '%s'\n%s", role_name, usage);
	else if (db_exec(d, "UPDATE users SET role = ? WHERE email = ? AND deleted_at IS NULL",
			 DB_ARGS(DB_TEXT(auth_role_name(role)), DB_TEXT(email)), &changed, &e) ||
		 (changed && auth_audit(d, 0, "user.set_role", email, auth_role_name(role), "command line", &e)))
		fprintf(errout, "pgherd user set-role: %s\n", e.msg);
	else if (!changed)
		fprintf(errout, "pgherd user set-role: no account for %s\n", email);
	else {
		fprintf(out, "%s is now %s\n", email, auth_role_name(role));
		rc = 0;
	}
	arena_release(&a);
	return rc;
}

static int reset_password(db *d, const char *email_in, FILE *out, FILE *errout)
{
	arena a = ARENA_INIT;
	char *email = ascii_lower(trimmed(&a, email_in));
	char pw[17], hash[crypto_pwhash_STRBYTES];
	err e = ERR_INIT;
	db_res r;
	int rc = 1;
	one_time_password(pw);
	if (auth_password_hash(pw, hash, sizeof(hash), &e) ||
	    db_query(d, &a, "UPDATE users SET password_hash = ? WHERE email = ? AND deleted_at IS NULL RETURNING id",
		     DB_ARGS(DB_TEXT(hash), DB_TEXT(email)), &r, &e)) {
		fprintf(errout, "pgherd user reset-password: %s\n", e.msg);
	} else if (!r.nrows) {
		fprintf(errout, "pgherd user reset-password: no account for %s\n", email);
	} else if (auth_credentials_end_all(d, db_get_int(&r, 0, 0), NULL, &e) ||
		   auth_audit(d, 0, "user.reset_password", email, "", "command line", &e)) {
		fprintf(errout, "pgherd user reset-password: %s\n", e.msg);
	} else {
		fprintf(out, "new one-time password for %s: %s\nAll of the account's sessions and API tokens have ended.\n", email, pw);
		rc = 0;
	}
	arena_release(&a);
	return rc;
}

static int ensure_admin(db *d, const char *email, FILE *out, FILE *errout)
{
	arena a = ARENA_INIT;
	db_res r;
	err e = ERR_INIT;
	int rc = db_query(d, &a, "SELECT email FROM users WHERE role = 'admin' AND deleted_at IS NULL LIMIT 1",
			  DB_NOARGS, &r, &e);
	if (rc) {
		fprintf(errout, "pgherd user ensure-admin: %s\n", e.msg);
		rc = 1;
	} else if (r.nrows) {
		fprintf(out, "an admin exists (%s); nothing to do\n", db_get(&r, 0, 0));
	} else {
		rc = add(d, email, "Admin", "admin", out, errout);
	}
	arena_release(&a);
	return rc;
}

int people_user_command(db *d, char **args, FILE *out, FILE *errout)
{
	int n = 0;
	while (args[n])
		n++;
	if (n >= 3 && n <= 4 && !strcmp(args[0], "add"))
		return add(d, args[1], args[2], n == 4 ? args[3] : NULL, out, errout);
	if (n == 1 && !strcmp(args[0], "list"))
		return list(d, out, errout);
	if (n == 3 && !strcmp(args[0], "set-role"))
		return set_role(d, args[1], args[2], out, errout);
	if (n == 2 && !strcmp(args[0], "reset-password"))
		return reset_password(d, args[1], out, errout);
	if (n == 2 && !strcmp(args[0], "ensure-admin"))
		return ensure_admin(d, args[1], out, errout);
	fputs(usage, errout);
	return 2;
}
