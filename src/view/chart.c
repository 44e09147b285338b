/* chart.c: the geometry of the server's charts (see chart.h). Written here
 * rather than taken from a charting library: those draw in the browser
 * with a script, and these pages carry none. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view/chart.h"
#include "base/buf.h"
#include "base/banned.h"

void chart_number(double v, int short_form, char *out, size_t n)
{
	double a = fabs(v);
	if (short_form && a >= 1e6)
		snprintf(out, n, "%.1fM", v / 1e6);
	else if (short_form && a >= 1e4)
		snprintf(out, n, "%.1fk", v / 1e3);
	else if (v != floor(v))
		snprintf(out, n, "%.1f", v);
	else {
		/* Thousands apart with commas, as both languages' numbers read. */
		char digits[32];
		snprintf(digits, sizeof(digits), "%.0f", a);
		size_t len = strlen(digits), o = 0;
		if (v < 0 && o + 1 < n)
			out[o++] = '-';
		for (size_t i = 0; i < len && o + 2 < n; i++) {
			if (i && (len - i) % 3 == 0)
				out[o++] = ',';
			out[o++] = digits[i];
		}
		out[o] = 0;
	}
}

/* The axis' top: 1, 2 or 5 times a power of ten, at or above max. */
static double nice_top(double max)
{
	if (max <= 0)
		return 1;
	double p = pow(10, floor(log10(max)));
	for (int i = 0; i < 3; i++) {
		double step = (double[]){ 1, 2, 5 }[i] * p;
		if (step >= max)
			return step;
	}
	return 10 * p;
}

json_t *chart_lines(const char *const *x, int n, const struct chart_line *s, int ns)
{
	double max = 0;
	for (int j = 0; j < ns; j++)
		for (int i = 0; i < n; i++)
			if (s[j].v[i] > max)
				max = s[j].v[i];
	double top = nice_top(max);
	char t[32], m[32];
	chart_number(top, 1, t, sizeof(t));
	chart_number(top / 2, 1, m, sizeof(m));
	json_t *grid = json_array();
	for (int g = 1; g <= 4; g++)
		json_array_append_new(grid, json_pack("{s:i}", "y", CHART_H - g * (CHART_H - 10) / 4));
	json_t *series = json_array(), *heads = json_array();
	for (int j = 0; j < ns; j++) {
		buf p = BUF_INIT;
		double total = 0;
		for (int i = 0; i < n; i++) {
			double px = n > 1 ? (double)i * CHART_W / (n - 1) : CHART_W / 2.0;
			double py = CHART_H - s[j].v[i] / top * (CHART_H - 10);
			buf_addf(&p, "%s%.1f,%.1f", i ? " " : "", px, py);
			total += s[j].v[i];
		}
		char tt[32];
		chart_number(total, 0, tt, sizeof(tt));
		json_array_append_new(series, json_pack("{s:s,s:s,s:s,s:s}", "key", s[j].key, "label", s[j].label,
							"points", p.s, "total", tt));
		json_array_append_new(heads, json_string(s[j].label));
		buf_release(&p);
	}
	json_t *rows = json_array();
	for (int i = 0; i < n; i++) {
		json_t *vals = json_array();
		for (int j = 0; j < ns; j++) {
			char v[32];
			chart_number(s[j].v[i], 0, v, sizeof(v));
			json_array_append_new(vals, json_string(v));
		}
		json_array_append_new(rows, json_pack("{s:s,s:o}", "x", x[i], "values", vals));
	}
	return json_pack("{s:i,s:i,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:o}", "w", CHART_W, "h", CHART_H, "top", t, "mid", m,
			 "grid", grid, "first", n ? x[0] : "", "last", n ? x[n - 1] : "", "series", series, "heads", heads,
			 "rows", rows);
}

json_t *chart_bars(const char *const *keys, const char *const *labels, const double *v, int n)
{
	double max = 0, sum = 0;
	for (int i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] > max)
			max = v[i];
	}
	json_t *bars = json_array();
	for (int i = 0; i < n; i++) {
		char val[32], share[16];
		chart_number(v[i], 0, val, sizeof(val));
		snprintf(share, sizeof(share), "%.0f%%", sum > 0 ? v[i] * 100 / sum : 0);
		double w = max > 0 ? v[i] * 100 / max : 0;
		json_array_append_new(bars, json_pack("{s:s,s:s,s:s,s:s,s:f}", "key", keys[i], "label", labels[i], "value",
						      val, "share", share, "w", w < 0.5 && v[i] > 0 ? 0.5 : w));
	}
	return bars;
}
