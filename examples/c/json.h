/* A tiny JSON reader for dmaspec-paths/3 lines: parses one line into a tree of nodes that
 * point into the line's text. Enough for the format (objects, arrays, strings without
 * escapes beyond \" and \\, integers, true/false/null); not a general JSON library. */
#ifndef DMASPEC_JSON_H
#define DMASPEC_JSON_H

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	const char *text; /* the value's raw JSON text in the line */
	int len;
	const char *key; /* member name (inside the quotes) when in an object */
	int keylen;
	long num;        /* J_NUM, J_BOOL */
	int first, next; /* children, siblings: node indices, -1 for none */
};

/* Parses `line` (kept alive by the caller) into nodes above those already parsed; returns
 * the root index or -1 on a syntax error. */
int json_parse(const char *line);
/* json_release(json_mark()) frees every node parsed after the mark (a path line), keeping
 * earlier ones (the header). */
int json_mark(void);
void json_release(int mark);
struct jnode *json_node(int i);
/* Member `key` of object node `obj`, or -1. */
int json_get(int obj, const char *key);
/* 1 when node i is a string equal to s. */
int json_is(int i, const char *s);
/* Number of children of an array or object. */
int json_count(int i);

#endif
