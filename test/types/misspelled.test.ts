/**
 * Guard and action names are typed: test/types/fixtures/misspelled.ts, compiled without its
 * `@ts-expect-error` lines, has exactly one error per removed line, on the line below it,
 * naming the misspelled rule the comment gives. With the comments it compiles clean (an
 * unused `@ts-expect-error` would be an error), so the fixture holds only while each
 * misspelling IS an error; `npm run typecheck` compiles it too (tsconfig.json includes test/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/harness.ts';

const FIXTURE = join(ROOT, 'test/types/fixtures/misspelled.ts');
/** The fixture without its `@ts-expect-error` lines: a file of its own next to it, in memory only. */
const STRIPPED = join(ROOT, 'test/types/fixtures/misspelled.stripped.ts');
const EXPECT = /^\s*\/\/ @ts-expect-error (\S+)/;

/** The misspelled name each `@ts-expect-error` announces, by the (1-based) stripped line it lands on. */
function strip(source: string): { text: string; expected: Map<number, string> } {
  const kept: string[] = [];
  const expected = new Map<number, string>();
  for (const line of source.split('\n')) {
    const m = EXPECT.exec(line);
    if (m) expected.set(kept.length + 1, m[1]);
    else kept.push(line);
  }
  return { text: kept.join('\n'), expected };
}

/** Semantic diagnostics of the fixture and of its stripped copy, in one program under the project's options. */
function compile(stripped: string): { fixture: readonly ts.Diagnostic[]; stripped: readonly ts.Diagnostic[] } {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) =>
    name === STRIPPED ? ts.createSourceFile(name, stripped, version) : getSourceFile(name, version, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === STRIPPED || fileExists(name);
  const program = ts.createProgram([FIXTURE, STRIPPED], options, host);
  const diagnostics = (f: string) => program.getSemanticDiagnostics(program.getSourceFile(f));
  return { fixture: diagnostics(FIXTURE), stripped: diagnostics(STRIPPED) };
}

describe('guard and action names are typed', () => {
  const { text, expected } = strip(readFileSync(FIXTURE, 'utf8'));
  const result = compile(text);

  it('the fixture announces misspelled guards and actions of makeModel, of a design (its ejecting, clientSteps, threads) and of its extensions', () => {
    expect([...expected.values()]).toEqual(['belowe', 'bumpp', 'tellHolder', 'putRef', 'tol', 'tellHolderz', 'askd', 'toldd']);
  });

  it('compiles clean with its @ts-expect-error lines (each one is used)', () => {
    expect(result.fixture.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('without them, each misspelling is an error on its line that names the misspelled rule', () => {
    const errors = result.stripped.map((d) => ({
      line: d.file!.getLineAndCharacterOfPosition(d.start!).line + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
    expect(errors.map((e) => e.line)).toEqual([...expected.keys()]);
    for (const { line, message } of errors) expect(message).toContain(`"${expected.get(line)}"`);
  });
});
