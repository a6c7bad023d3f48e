/**
 * The kernel mutant generator (src/kernel/c-syntax.ts, src/kernel/mutants.ts) on a small C
 * function written for the test, kernel style: every operator, what is never mutated
 * (diagnostics, the final return, across an #ifdef), stable names, and mutants that keep
 * every line where it was. No kernel file and no compiler: the builds are test/external's.
 */
import { describe, expect, it } from 'vitest';
import { functionsOf, tokenize } from '../../src/kernel/c-syntax.ts';
import { applyMutant, definedFunctions, mutantKey, mutantsOf } from '../../src/kernel/mutants.ts';

const SOURCE = `static DEFINE_MUTEX(m);
/* a comment { */
static int get(struct chan *c);

static int get(struct chan *c)
{
	int err = -1;

	mutex_lock(&m);
	if (c->count == 1 && !c->priv)
		err = 0;
	list_for_each_entry(x, &list, node)
		x->n++;
	pr_debug("%d\\n", c->count < 2);
	c->z = 3;
#ifdef CONFIG_X
	c->y = 0;
#endif
	mutex_unlock(&m);
	return err;
}

static void put(struct chan *c)
{
	if (!c->count)
		return;
out:
	c->count--;
	rcu_read_lock();
	while (c->n > 0)
		c->n--;
	rcu_read_unlock();
}
`;

describe('C syntax', () => {
  it('tokenizes without comments, a directive as one token', () => {
    const t = tokenize('a->b <<= 1; /* x */ // y\n#define F(x) \\\n  (x)\n"s;\\"" \'c\'');
    expect(t.map((x) => [x.kind, x.text])).toEqual([
      ['id', 'a'],
      ['punct', '->'],
      ['id', 'b'],
      ['punct', '<<='],
      ['num', '1'],
      ['punct', ';'],
      ['pp', '#define F(x) \\\n  (x)'],
      ['str', '"s;\\""'],
      ['str', "'c'"],
    ]);
    expect(t[7].line).toBe(4);
  });

  it('finds definitions, not prototypes, and parses kernel-style statements', () => {
    const { functions, errors } = functionsOf(tokenize(SOURCE));
    expect(errors).toEqual([]);
    expect(functions.map((f) => f.name)).toEqual(['get', 'put']);
    expect(definedFunctions(SOURCE)).toEqual(['get', 'put']);
    expect(functions[0].body.children.map((s) => s.kind)).toEqual(['decl', 'expr', 'if', 'loop', 'expr', 'expr', 'expr', 'expr', 'return']);
    expect(functions[1].body.children.map((s) => s.kind)).toEqual(['if', 'label', 'expr', 'loop', 'expr']);
  });
});

describe('mutantsOf', () => {
  const mutants = mutantsOf(SOURCE, ['get', 'put']);
  const keys = mutants.map(mutantKey);

  it('plants each operator, named by function, operator, line and what changes', () => {
    expect(keys.filter((k) => k.startsWith('get '))).toEqual([
      'get drop dmaengine.c:9 "mutex_lock(&m);"',
      'get drop dmaengine.c:10 "if (c->count == 1 && !c->priv) err = 0;"',
      'get drop dmaengine.c:11 "err = 0;"',
      'get drop dmaengine.c:12 "list_for_each_entry(x, &list, node) x->n++;"',
      'get drop dmaengine.c:13 "x->n++;"',
      'get drop dmaengine.c:15 "c->z = 3;"',
      'get drop dmaengine.c:17 "c->y = 0;"',
      'get drop dmaengine.c:19 "mutex_unlock(&m);"',
      'get flip dmaengine.c:10 "c->count == 1" → "c->count != 1"',
      'get flip dmaengine.c:10 "!c->priv" → "c->priv"',
      'get off-by-one dmaengine.c:7 "int err = -1" → "int err = -2"',
      'get off-by-one dmaengine.c:7 "int err = -1" → "int err = -0"',
      'get off-by-one dmaengine.c:10 "c->count == 1" → "c->count == 2"',
      'get off-by-one dmaengine.c:10 "c->count == 1" → "c->count == 0"',
      'get off-by-one dmaengine.c:11 "err = 0" → "err = 1"',
      'get off-by-one dmaengine.c:15 "c->z = 3" → "c->z = 4"',
      'get off-by-one dmaengine.c:15 "c->z = 3" → "c->z = 2"',
      'get off-by-one dmaengine.c:17 "c->y = 0" → "c->y = 1"',
      'get swap dmaengine.c:9 "mutex_lock(&m);" ⇄ "if (c->count == 1 && !c->priv) err = 0;"',
      'get swap dmaengine.c:10 "if (c->count == 1 && !c->priv) err = 0;" ⇄ "list_for_each_entry(x, &list, node) x->n++;"',
      'get skip-lock dmaengine.c:9 no mutex_lock(&m) nor its mutex_unlock',
    ]);
  });

  it('never mutates diagnostics, the final return, nor swaps across a directive or a label', () => {
    expect(keys.filter((k) => /pr_debug|count < 2|return err/.test(k))).toEqual([]);
    expect(keys).not.toContain('get swap dmaengine.c:15 "c->z = 3;" ⇄ "c->y = 0;"');
    expect(keys.filter((k) => k.startsWith('put swap'))).toEqual([
      'put swap dmaengine.c:29 "rcu_read_lock();" ⇄ "while (c->n > 0) c->n--;"',
      'put swap dmaengine.c:30 "while (c->n > 0) c->n--;" ⇄ "rcu_read_unlock();"',
    ]);
    expect(keys).toContain('put drop dmaengine.c:26 "return;"');
    expect(keys).toContain('put drop dmaengine.c:28 "c->count--;"');
    expect(keys).toContain('put flip dmaengine.c:30 "c->n > 0" → "c->n <= 0"');
    expect(keys).toContain('put off-by-one dmaengine.c:30 "c->n > 0" → "c->n >= 0"');
    expect(keys).toContain('put skip-lock dmaengine.c:29 no rcu_read_lock() nor its rcu_read_unlock');
  });

  it('keeps every line in place, and plants exactly the named change', () => {
    const lines = SOURCE.split('\n').length;
    for (const m of mutants) {
      const out = applyMutant(SOURCE, m);
      expect(out.split('\n').length, mutantKey(m)).toBe(lines);
      expect(out, mutantKey(m)).not.toBe(SOURCE);
    }
    const drop = mutants.find((m) => mutantKey(m) === 'get drop dmaengine.c:12 "list_for_each_entry(x, &list, node) x->n++;"')!;
    expect(applyMutant(SOURCE, drop).split('\n').slice(11, 13)).toEqual(['\t;', '']);
    const lock = mutants.find((m) => m.operator === 'skip-lock' && m.function === 'get')!;
    expect(applyMutant(SOURCE, lock)).not.toMatch(/mutex_(un)?lock/);
    const flip = mutants.find((m) => mutantKey(m) === 'get flip dmaengine.c:10 "!c->priv" → "c->priv"')!;
    expect(applyMutant(SOURCE, flip).split('\n')[9]).toBe('\tif (c->count == 1 && c->priv)');
  });

  it('names lines by the build’s origins, and mutates only the lines it may', () => {
    const origins = SOURCE.split('\n').map((_, i) => (i === 14 ? 'RFC v2 3/7 @@ -1,2 +1,3 @@ +1' : `dmaengine.c:${i + 101}`));
    const patched = mutantsOf(SOURCE, ['get'], { origins, mutable: (l) => l.startsWith('dmaengine.c:') });
    expect(patched.some((m) => m.line.startsWith('RFC'))).toBe(false);
    expect(patched.map(mutantKey)).toContain('get drop dmaengine.c:109 "mutex_lock(&m);"');
    expect(mutantsOf(SOURCE, ['get'], { origins }).map(mutantKey)).toContain('get drop RFC v2 3/7 @@ -1,2 +1,3 @@ +1 "c->z = 3;"');
  });

  it('numbers two mutants that would share a name', () => {
    const twice = 'void f(int *a)\n{\n\ta[0] = 0; a[1] = 0;\n}\n';
    expect(
      mutantsOf(twice, ['f'])
        .map(mutantKey)
        .filter((k) => k.includes('drop')),
    ).toEqual(['f drop dmaengine.c:3 "a[0] = 0;"', 'f drop dmaengine.c:3 "a[1] = 0;"']);
    const same = 'void f(int *a)\n{\n\tg(0); g(0);\n}\n';
    expect(
      mutantsOf(same, ['f'])
        .map(mutantKey)
        .filter((k) => k.includes('drop')),
    ).toEqual(['f drop dmaengine.c:3 "g(0);"', 'f drop dmaengine.c:3 "g(0);" #2']);
  });
});
