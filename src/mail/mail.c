/* mail.c: RFC 5322 plain-text mail (UTF-8, base64 body, encoded subject)
 * delivered with libcurl's SMTP client. */
#include "mail/mail.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "base/banned.h"

struct reader {
	const char *data;
	size_t len, off;
};

static size_t read_payload(char *ptr, size_t size, size_t nmemb, void *p)
{
	struct reader *r = p;
	size_t n = size * nmemb, left = r->len - r->off;
	if (n > left)
		n = left;
	memcpy(ptr, r->data + r->off, n);
	r->off += n;
	return n;
}

static void add_base64(buf *b, const char *data, size_t len, int wrap)
{
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(cap);
	if (!enc)
		abort();
	sodium_bin2base64(enc, cap, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
	size_t el = strlen(enc);
	for (size_t i = 0; i < el; i += 76) {
		buf_add(b, enc + i, el - i < 76 ? el - i : 76);
		if (wrap)
			buf_adds(b, "\r\n");
	}
	free(enc);
}

/* The address inside "Name <addr>", or the whole string. */
static const char *bare_address(const char *from, char out[256])
{
	const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt && gt - lt - 1 < 255)
		snprintf(out, 256, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, 256, "%s", from);
	return out;
}

int mail_send(const config *cfg, const char *to, const char *subject, const char *body, err *e)
{
	if (strpbrk(to, "\r\n") || strpbrk(subject, "\r\n"))
		return err_set(e, ERR_INPUT, "mail: header text with a line break");
	const char *url = cfg->val[CFG_SMTP_URL];
	if (!*url) {
		/* No SMTP yet: the organizer reads the mail in the log. */
		log_info("mail (no smtp_url set, not sent) to %s: %s\n%s", to, subject, body);
		return 0;
	}
	char from_addr[256], date[64], id[40];
	const char *from = cfg->val[CFG_MAIL_FROM];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	bare_address(from, from_addr);

	buf msg = BUF_INIT;
	buf_addf(&msg, "Date: %s\r\nFrom: ", date);
	const char *lt = strrchr(from, '<');
	size_t name_len = lt ? (size_t)(lt - from) : 0;
	while (name_len && from[name_len - 1] == ' ')
		name_len--;
	if (name_len) {
		/* A display name may be Chinese: encoded words (RFC 2047). */
		buf_adds(&msg, "=?UTF-8?B?");
		add_base64(&msg, from, name_len, 0);
		buf_adds(&msg, "?= ");
	}
	buf_addf(&msg, "<%s>\r\nTo: <%s>\r\nMessage-ID: <%s@%s>\r\nSubject: =?UTF-8?B?", from_addr, to, id,
		 strchr(from_addr, '@') ? strchr(from_addr, '@') + 1 : "pgherd");
	add_base64(&msg, subject, strlen(subject), 0);
	buf_adds(&msg, "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		       "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
	add_base64(&msg, body, strlen(body), 1);

	CURL *c = curl_easy_init();
	if (!c) {
		buf_release(&msg);
		return err_set(e, ERR_FAIL, "mail: curl_easy_init failed");
	}
	char rcpt_text[300];
	snprintf(rcpt_text, sizeof(rcpt_text), "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_text);
	char from_env[300];
	snprintf(from_env, sizeof(from_env), "<%s>", from_addr);
	struct reader rd = { msg.s, msg.len, 0 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_env);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_payload);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (*cfg->val[CFG_SMTP_USER]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->val[CFG_SMTP_USER]);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->val[CFG_SMTP_PASSWORD]);
	}
	CURLcode res = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_release(&msg);
	if (res != CURLE_OK)
		return err_set(e, ERR_UNAVAILABLE, "mail to %s via smtp failed: %s", to, curl_easy_strerror(res));
	return 0;
}
