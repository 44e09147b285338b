/* test_inputs.c: the validators of each kind of value, and what a route's
 * declared inputs do to a request: typed values, messages in the request's
 * language, the form as sent, undeclared fields kept from the handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/validate.h"
#include "http/http.h"
#include "view/i18n.h"

static void validators_take_what_people_type(void **state)
{
	(void)state;
	const char *phones_ok[] = { "13800000000", "+86 138 0000 0000", "(010) 6543-2100", "12345" };
	const char *phones_bad[] = { "1234", "call me", "+86 138 0000 0000 0000 00", "123456789012345678901", "" };
	for (size_t i = 0; i < sizeof(phones_ok) / sizeof(*phones_ok); i++)
		assert_true(valid_phone(phones_ok[i]));
	for (size_t i = 0; i < sizeof(phones_bad) / sizeof(*phones_bad); i++)
		assert_false(valid_phone(phones_bad[i]));
	assert_true(valid_url("https://www.bilibili.com/video/BV1x", 300));
	assert_true(valid_url("http://pg.example.cn", 300));
	assert_false(valid_url("https://", 300));
	assert_false(valid_url("https:///path", 300));
	assert_false(valid_url("javascript:alert(1)", 300));
	assert_false(valid_url("https://a.cn/x y", 300));
	assert_false(valid_url("https://a.cn/\"><script>", 300));
	assert_false(valid_url("https://a.cn/abcdef", 10));
	int y, m, d, h, mi;
	assert_true(valid_date("2024-02-29", &y, &m, &d));
	assert_int_equal(y * 10000 + m * 100 + d, 20240229);
	assert_false(valid_date("2023-02-29", NULL, NULL, NULL));
	assert_false(valid_date("2018-13-01", NULL, NULL, NULL));
	assert_false(valid_date("2018-1-01", NULL, NULL, NULL));
	assert_false(valid_date("+018-01-01", NULL, NULL, NULL));
	assert_true(valid_time("09:30", &h, &mi));
	assert_int_equal(h * 100 + mi, 930);
	assert_false(valid_time("24:00", NULL, NULL));
	assert_false(valid_time(" 9:30", NULL, NULL));
	assert_true(valid_slug("salon-2026", 40));
	assert_false(valid_slug("2026-salon", 40));
	assert_false(valid_slug("Salon", 40));
	assert_false(valid_slug("", 40));
	assert_false(valid_slug("salon-", 40));
	assert_true(has_control("\xe2\x80\xaeredro"));  /* U+202E RIGHT-TO-LEFT OVERRIDE */
	assert_true(has_control("a\xe2\x81\xa6" "b"));     /* U+2066 LEFT-TO-RIGHT ISOLATE */
	assert_false(has_control("\xe2\x80\x94 dash")); /* U+2014 is text */
	assert_false(has_control("\xe2"));                /* a cut sequence reads no further */
}

static void add_field(req *r, const char *name, const char *value)
{
	struct field *f = arena_alloc(&r->a, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->value = (buf)BUF_INIT;
	buf_adds(&f->value, value);
	*r->fields_tail = f;
	r->fields_tail = &f->next;
}

static const struct input inputs[] = {
	{ "name", IN_LINE, IN_REQUIRED, 0, 6, NULL, NULL },
	{ "email", IN_EMAIL, 0, 0, 0, NULL, NULL },
	{ "seats", IN_INT, 0, 1, 10, NULL, NULL },
	{ "phone", IN_PHONE, 0, 0, 0, "account.err.phone", NULL },
	{ "bio", IN_MARKDOWN, 0, 0, 0, NULL, NULL },
	{ "password", IN_SECRET, 0, 0, 0, NULL, NULL },
	{ "agree", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};
static const struct route route = { M_POST, "/x", NULL, EVERYONE, 1, "x", .inputs = inputs };

static void request(req *r, int lang)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->a);
	r->fields_tail = &r->fields;
	r->route = &route;
	r->lang = lang;
}

static void release(req *r)
{
	for (struct field *f = r->fields; f; f = f->next)
		buf_release(&f->value);
	json_decref(r->form);
	json_decref(r->errors);
	arena_release(&r->a);
}

static void declared_inputs_are_typed_and_alone(void **state)
{
	(void)state;
	req r;
	request(&r, LANG_EN);
	add_field(&r, "name", "  周飞  ");
	add_field(&r, "email", "Fei@Example.COM");
	add_field(&r, "seats", "3");
	add_field(&r, "bio", "# 我\n\n- PostgreSQL\n");
	add_field(&r, "password", "  spaces kept  ");
	add_field(&r, "agree", "on");
	add_field(&r, "role", "admin");
	add_field(&r, "_csrf", "token");
	assert_int_equal(inputs_check(&r), 0);
	assert_null(r.errors);
	assert_string_equal(in_text(&r, "name"), "周飞");
	assert_string_equal(in_text(&r, "email"), "fei@example.com");
	assert_int_equal(in_num(&r, "seats", 0), 3);
	assert_null(in_text(&r, "phone"));
	assert_int_equal(in_num(&r, "agree", 0), 1);
	assert_string_equal(in_text(&r, "password"), "  spaces kept  ");
	assert_string_equal(in_text(&r, "bio"), "# 我\n\n- PostgreSQL");
	/* Undeclared fields never reach the handler; the CSRF token is the dispatcher's. */
	assert_null(req_form(&r, "role"));
	assert_null(in_text(&r, "role"));
	assert_string_equal(req_form(&r, "_csrf"), "token");
	/* The form refilled as sent, without the password. */
	assert_string_equal(json_string_value(json_object_get(r.form, "email")), "fei@example.com");
	assert_null(json_object_get(r.form, "password"));
	release(&r);
}

static void wrong_inputs_are_named_in_the_language(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(i18n_load(NULL, &e), 0);
	for (int lang = LANG_ZH; lang <= LANG_EN; lang++) {
		req r;
		request(&r, lang);
		add_field(&r, "name", "a name far too long");
		add_field(&r, "email", "not an address");
		add_field(&r, "seats", "11");
		add_field(&r, "phone", "call me");
		add_field(&r, "bio", "line\001");
		assert_int_equal(inputs_check(&r), -1);
		assert_int_equal(json_object_size(r.errors), 5);
		const char *phone = json_string_value(json_object_get(r.errors, "phone"));
		assert_string_equal(phone, i18n_get(lang, "account.err.phone"));
		assert_string_equal(json_string_value(json_object_get(r.errors, "seats")), i18n_get(lang, "input.err.int"));
		assert_string_not_equal(i18n_get(LANG_ZH, "input.err.int"), i18n_get(LANG_EN, "input.err.int"));
		assert_string_equal(json_string_value(json_object_get(r.form, "phone")), "call me");
		release(&r);
	}
	req r;
	request(&r, LANG_ZH);
	assert_int_equal(inputs_check(&r), -1); /* the name is required */
	assert_string_equal(json_string_value(json_object_get(r.errors, "name")), i18n_get(LANG_ZH, "input.err.required"));
	assert_int_equal(json_object_size(r.errors), 1);
	assert_int_equal(in_num(&r, "seats", 7), 7); /* absent: the handler's default */
	release(&r);
	i18n_release();
}

/* A choice among the declaration's values; a feature's own rule on top of
 * a kind's; the first wrong input in the declaration's order. */
static int even_length(const char *s) { return strlen(s) % 2 == 0; }
static const char *const sizes[] = { "small", "large", NULL };
static const struct input more[] = {
	{ "size", IN_CHOICE, IN_REQUIRED, 0, 0, NULL, NULL, sizes },
	{ "code", IN_LINE, 0, 0, 10, "account.err.phone", NULL, NULL, even_length },
	{ "slug", IN_SLUG, 0, 2, 0, NULL, NULL },
	{ NULL },
};
static const struct route more_route = { M_POST, "/y", NULL, EVERYONE, 1, "y", .inputs = more };

static void choices_rules_and_the_first_error(void **state)
{
	(void)state;
	err e = ERR_INIT;
	assert_int_equal(i18n_load(NULL, &e), 0);
	req r;
	request(&r, LANG_ZH);
	r.route = &more_route;
	add_field(&r, "size", "large");
	add_field(&r, "code", "ab");
	add_field(&r, "slug", "Salon-2027");
	assert_int_equal(inputs_check(&r), 0);
	assert_string_equal(in_text(&r, "size"), "large");
	assert_string_equal(in_text(&r, "slug"), "salon-2027"); /* lower-cased, like an email */
	assert_null(inputs_first_error(&r));
	release(&r);

	request(&r, LANG_EN);
	r.route = &more_route;
	add_field(&r, "size", "medium");
	add_field(&r, "code", "abc");
	add_field(&r, "slug", "x");
	assert_int_equal(inputs_check(&r), -1);
	assert_int_equal(json_object_size(r.errors), 3);
	assert_string_equal(json_string_value(json_object_get(r.errors, "size")), i18n_get(LANG_EN, "input.err.choice"));
	assert_string_equal(json_string_value(json_object_get(r.errors, "code")), i18n_get(LANG_EN, "account.err.phone"));
	assert_string_equal(inputs_first_error(&r), i18n_get(LANG_EN, "input.err.choice"));
	release(&r);
	i18n_release();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validators_take_what_people_type),
		cmocka_unit_test(declared_inputs_are_typed_and_alone),
		cmocka_unit_test(wrong_inputs_are_named_in_the_language),
		cmocka_unit_test(choices_rules_and_the_first_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
