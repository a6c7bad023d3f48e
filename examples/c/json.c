/* See json.h. A recursive-descent parser into a growing node pool. */
#include "json.h"
#include <stdlib.h>
#include <string.h>

static struct jnode *pool;
static int used, cap;
static const char *p;

static int node(enum jtype t)
{
	if (used == cap) {
		cap = cap ? 2 * cap : 1024;
		pool = realloc(pool, cap * sizeof *pool);
		if (!pool)
			abort();
	}
	pool[used] = (struct jnode){ .type = t, .text = p, .first = -1, .next = -1 };
	return used++;
}

static void ws(void) { while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++; }

static int value(void);

static int string_end(void) /* p at the opening quote; leaves p after the closing one */
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	if (*p != '"')
		return -1;
	p++;
	return 0;
}

static int list(int n, char close, int members)
{
	int last = -1;
	p++;
	ws();
	if (*p == close) {
		p++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		int keylen = 0, kid;
		if (members) {
			if (*p != '"')
				return -1;
			key = p + 1;
			if (string_end())
				return -1;
			keylen = (int)(p - key) - 1;
			ws();
			if (*p++ != ':')
				return -1;
			ws();
		}
		if ((kid = value()) < 0)
			return -1;
		pool[kid].key = key;
		pool[kid].keylen = keylen;
		if (last < 0)
			pool[n].first = kid;
		else
			pool[last].next = kid;
		last = kid;
		ws();
		if (*p == ',') {
			p++;
			ws();
			continue;
		}
		if (*p++ != close)
			return -1;
		return 0;
	}
}

static int value(void)
{
	int n;
	ws();
	switch (*p) {
	case '{': n = node(J_OBJ); if (list(n, '}', 1)) return -1; break;
	case '[': n = node(J_ARR); if (list(n, ']', 0)) return -1; break;
	case '"': n = node(J_STR); if (string_end()) return -1; break;
	case 't': n = node(J_BOOL); pool[n].num = 1; if (strncmp(p, "true", 4)) return -1; p += 4; break;
	case 'f': n = node(J_BOOL); pool[n].num = 0; if (strncmp(p, "false", 5)) return -1; p += 5; break;
	case 'n': n = node(J_NULL); if (strncmp(p, "null", 4)) return -1; p += 4; break;
	default: {
		char *end;
		n = node(J_NUM);
		pool[n].num = strtol(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	}
	pool[n].len = (int)(p - pool[n].text);
	return n;
}

int json_parse(const char *line)
{
	p = line;
	return value();
}

int json_mark(void) { return used; }
void json_release(int mark) { used = mark; }

struct jnode *json_node(int i) { return &pool[i]; }

int json_get(int obj, const char *key)
{
	size_t len = strlen(key);
	if (obj < 0 || pool[obj].type != J_OBJ)
		return -1;
	for (int k = pool[obj].first; k >= 0; k = pool[k].next)
		if ((size_t)pool[k].keylen == len && !strncmp(pool[k].key, key, len))
			return k;
	return -1;
}

int json_is(int i, const char *s)
{
	size_t len = strlen(s);
	return i >= 0 && pool[i].type == J_STR && (size_t)pool[i].len == len + 2 && !strncmp(pool[i].text + 1, s, len);
}

int json_count(int i)
{
	int n = 0;
	for (int k = pool[i].first; k >= 0; k = pool[k].next)
		n++;
	return n;
}
