/* chart.h: charts drawn by the server, as numbers a template writes out.
 *
 * A line chart of daily series is an SVG box of CHART_W x CHART_H whose
 * polylines' points are computed here; the page stretches it to its width
 * (strokes keep their width), and the axis' labels are HTML beside it, so
 * they stay readable on a 390 px phone. Its numbers are also rows for the
 * table under it (for screen readers and copying) and the CSV export. Bars
 * are shares of the largest, 0 to 100, with the value's text. No script. */
#ifndef PGHERD_CHART_H
#define PGHERD_CHART_H

#include <jansson.h>

enum { CHART_W = 1000, CHART_H = 300 };

struct chart_line {
	const char *key;   /* the CSS class's suffix and the CSV column */
	const char *label; /* shown, in the page's language */
	const double *v;   /* n values */
};

/* {"w","h","top","mid" (the axis' labels), "grid":[{"y"}], "first","last"
 * (x's first and last labels), "series":[{"key","label","points","total"}],
 * "heads":[labels], "rows":[{"x","values":[..]}]}. x: n labels. */
json_t *chart_lines(const char *const *x, int n, const struct chart_line *s, int ns);

/* [{"key","label","value","share" ("37%"), "w" (0..100)}] of n bars, in
 * the order given; share is of the sum, w of the largest. */
json_t *chart_bars(const char *const *keys, const char *const *labels, const double *v, int n);

/* A number for people: 1234 -> "1,234", 12345678 -> "12.3M" when short. */
void chart_number(double v, int short_form, char *out, size_t n);

#endif
