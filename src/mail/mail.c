/* mail.c: RFC 5322 mail (UTF-8, base64 bodies, encoded subject) delivered
 * with libcurl's SMTP client. A plain mail is one text part built here; a
 * mail with a QR code is a MIME tree built by libcurl's mime API:
 *
 *   multipart/mixed
 *     multipart/related
 *       multipart/alternative: text/plain, text/html with <img src="cid:...">
 *       image/png (inline, Content-ID)
 */
#include "mail/mail.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/util.h"
#include "view/qr.h"
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

enum { QR_SCALE = 6 };
#define QR_CID "ticket-qr@pgherd"

/* The HTML twin of a plain-text mail: the same lines, escaped, with the
 * QR code under them. */
static void html_part(buf *b, const char *body)
{
	buf_adds(b, "<!doctype html><html><body><div style=\"font-family:sans-serif;font-size:15px;line-height:1.6;"
		    "white-space:pre-wrap;overflow-wrap:anywhere\">");
	buf_html(b, body, strlen(body));
	buf_adds(b, "</div><p><img src=\"cid:" QR_CID "\" alt=\"QR\" width=\"222\" height=\"222\"></p></body></html>");
}

/* The header lines every mail has, one per element; NULL when out of memory. */
static struct curl_slist *header_lines(const config *cfg, const char *to, const char *subject, char from_addr[256])
{
	char date[64], id[40];
	const char *from = cfg->val[CFG_MAIL_FROM];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	bare_address(from, from_addr);

	buf line = BUF_INIT;
	struct curl_slist *h = NULL;
	buf_addf(&line, "Date: %s", date);
	h = curl_slist_append(h, line.s);
	buf_reset(&line);
	buf_adds(&line, "From: ");
	const char *lt = strrchr(from, '<');
	size_t name_len = lt ? (size_t)(lt - from) : 0;
	while (name_len && from[name_len - 1] == ' ')
		name_len--;
	if (name_len) {
		/* A display name may be Chinese: encoded words (RFC 2047). */
		buf_adds(&line, "=?UTF-8?B?");
		add_base64(&line, from, name_len, 0);
		buf_adds(&line, "?= ");
	}
	buf_addf(&line, "<%s>", from_addr);
	h = curl_slist_append(h, line.s);
	buf_reset(&line);
	buf_addf(&line, "To: <%s>", to);
	h = curl_slist_append(h, line.s);
	buf_reset(&line);
	buf_addf(&line, "Message-ID: <%s@%s>", id, strchr(from_addr, '@') ? strchr(from_addr, '@') + 1 : "pgherd");
	h = curl_slist_append(h, line.s);
	buf_reset(&line);
	buf_adds(&line, "Subject: =?UTF-8?B?");
	add_base64(&line, subject, strlen(subject), 0);
	buf_adds(&line, "?=");
	h = curl_slist_append(h, line.s);
	h = curl_slist_append(h, "MIME-Version: 1.0");
	h = curl_slist_append(h, "Auto-Submitted: auto-generated");
	buf_release(&line);
	return h;
}

/* Hands the QR mail's parts to libcurl; the PNG and HTML are copied. */
static int qr_mime(CURL *c, const char *body, const char *qr, curl_mime **top, err *e)
{
	buf png = BUF_INIT, html = BUF_INIT;
	int rc = qr_png(qr, QR_SCALE, &png, e);
	if (rc) {
		buf_release(&png);
		return rc;
	}
	html_part(&html, body);
	curl_mime *alt = curl_mime_init(c), *related = curl_mime_init(c);
	*top = curl_mime_init(c);
	curl_mimepart *p = curl_mime_addpart(alt);
	curl_mime_data(p, body, CURL_ZERO_TERMINATED);
	curl_mime_type(p, "text/plain; charset=UTF-8");
	curl_mime_encoder(p, "base64");
	p = curl_mime_addpart(alt);
	curl_mime_data(p, html.s, html.len);
	curl_mime_type(p, "text/html; charset=UTF-8");
	curl_mime_encoder(p, "base64");
	p = curl_mime_addpart(related);
	curl_mime_subparts(p, alt);
	curl_mime_type(p, "multipart/alternative");
	p = curl_mime_addpart(related);
	curl_mime_data(p, png.s, png.len);
	curl_mime_type(p, "image/png");
	curl_mime_encoder(p, "base64");
	struct curl_slist *ph = curl_slist_append(NULL, "Content-ID: <" QR_CID ">");
	ph = curl_slist_append(ph, "Content-Disposition: inline; filename=\"ticket-qr.png\"");
	curl_mime_headers(p, ph, 1);
	p = curl_mime_addpart(*top);
	curl_mime_subparts(p, related);
	rc = curl_mime_type(p, "multipart/related; type=\"multipart/alternative\"") == CURLE_OK && ph ? 0
	     : err_set(e, ERR_FAIL, "mail: building the MIME parts failed");
	buf_release(&png);
	buf_release(&html);
	return rc;
}

int mail_send(const config *cfg, const char *to, const char *subject, const char *body, const char *qr, err *e)
{
	if (strpbrk(to, "\r\n") || strpbrk(subject, "\r\n"))
		return err_set(e, ERR_INPUT, "mail: header text with a line break");
	const char *url = cfg->val[CFG_SMTP_URL];
	if (!*url) {
		/* No SMTP yet: the organizer reads the mail in the log. */
		log_info("mail (no smtp_url set, not sent) to %s: %s\n%s", to, subject, body);
		return 0;
	}
	CURL *c = curl_easy_init();
	if (!c)
		return err_set(e, ERR_FAIL, "mail: curl_easy_init failed");
	char from_addr[256];
	struct curl_slist *headers = header_lines(cfg, to, subject, from_addr);
	buf msg = BUF_INIT;
	curl_mime *mime = NULL;
	struct reader rd = { NULL, 0, 0 };
	int rc = headers ? 0 : err_set(e, ERR_FAIL, "mail: out of memory");
	if (!rc && qr) {
		if (!(rc = qr_mime(c, body, qr, &mime, e))) {
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
			curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
		}
	} else if (!rc) {
		for (struct curl_slist *h = headers; h; h = h->next)
			buf_addf(&msg, "%s\r\n", h->data);
		buf_adds(&msg, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		add_base64(&msg, body, strlen(body), 1);
		rd = (struct reader){ msg.s, msg.len, 0 };
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_payload);
		curl_easy_setopt(c, CURLOPT_READDATA, &rd);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	}
	char rcpt_text[300], from_env[300];
	snprintf(rcpt_text, sizeof(rcpt_text), "<%s>", to);
	snprintf(from_env, sizeof(from_env), "<%s>", from_addr);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_text);
	if (!rc) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_env);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
		if (*cfg->val[CFG_SMTP_USER]) {
			curl_easy_setopt(c, CURLOPT_USERNAME, cfg->val[CFG_SMTP_USER]);
			curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->val[CFG_SMTP_PASSWORD]);
		}
		CURLcode res = curl_easy_perform(c);
		if (res != CURLE_OK)
			rc = err_set(e, ERR_UNAVAILABLE, "mail to %s via smtp failed: %s", to, curl_easy_strerror(res));
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	buf_release(&msg);
	return rc;
}
