/**
 * A unified-diff applier with fuzzy context, for the kernel builds that patch the tree's file
 * in a temporary folder (the RFC's 3/7 on 3.6, the project's rfc-base and kref-fixed patches).
 *
 * A hunk is placed where every line it removes matches exactly (trailing blanks ignored) and
 * as many of its context lines as possible match, nearest to the line its header names (after
 * the offsets of the hunks before it). A context line that differs is kept as the file has it:
 * that is how 3/7, written against a base we do not have (its patches 1–2/7), applies to 3.6.
 * Every hunk's placement and every differing context line is reported, so a build can show
 * exactly what was fuzzed. A hunk that cannot be placed is an error naming it.
 * @module
 */

/** One line of a hunk: context (` `), removed (`-`) or added (`+`). */
export interface HunkLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** One `@@ -a,b +c,d @@` hunk. */
export interface Hunk {
  readonly header: string;
  readonly oldStart: number;
  readonly oldLines: number;
  readonly lines: readonly HunkLine[];
}

/** The hunks of one file of a patch. */
export interface FilePatch {
  /** The path after `b/` (or `a/` for a deletion), e.g. `drivers/dma/dmaengine.c`. */
  readonly path: string;
  readonly hunks: readonly Hunk[];
}

/** Where a hunk went and what was fuzzed. */
export interface HunkPlacement {
  readonly header: string;
  /** 1-based line of the file (before this hunk) where the hunk's first old line sits. */
  readonly line: number;
  /** Lines between where the header said and where it went (after earlier hunks' shifts). */
  readonly offset: number;
  /** Context lines the file has differently: kept as the file has them. */
  readonly fuzzed: readonly { readonly patch: string; readonly file: string }[];
}

/** A patch that does not parse or a hunk that cannot be placed. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The file patches of a unified diff found in `text`: a plain `.patch`, or a mailing-list
 * page holding one (lines before the first `diff --git`/`---` and after the last hunk are
 * ignored; quoted copies, `> `-prefixed, are not diff lines). When the text holds the patch
 * more than once, the last copy wins (a page quotes the patch in replies, then shows it raw).
 */
export function parsePatch(text: string): FilePatch[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const starts = lines.flatMap((l, i) => (l.startsWith('diff --git ') ? [i] : []));
  // A later `diff --git` for a file already seen starts a new copy of the patch: keep the last copy.
  let from = 0;
  const seen = new Set<string>();
  for (const i of starts) {
    const path = lines[i].split(' b/')[1] ?? '';
    if (seen.has(path)) {
      seen.clear();
      from = i;
    }
    seen.add(path);
  }
  const files: FilePatch[] = [];
  let i = starts.length ? from : 0;
  while (i < lines.length) {
    const minus = lines.findIndex((l, k) => k >= i && l.startsWith('--- '));
    if (minus < 0 || !lines[minus + 1]?.startsWith('+++ ')) break;
    const plus = lines[minus + 1].slice(4).trim();
    const path = (plus === '/dev/null' ? lines[minus].slice(4).trim() : plus).replace(/^[ab]\//, '').split(/\s/)[0];
    const hunks: Hunk[] = [];
    let k = minus + 2;
    while (k < lines.length) {
      const header = lines[k];
      const m = HUNK.exec(header);
      if (!m) break;
      const oldLines = m[2] === undefined ? 1 : Number(m[2]);
      const newLines = m[4] === undefined ? 1 : Number(m[4]);
      const body: HunkLine[] = [];
      let olds = 0;
      let news = 0;
      k++;
      while (olds < oldLines || news < newLines) {
        if (k >= lines.length) throw new PatchError(`hunk ${lines[k - 1]}: the patch ends inside it`);
        const l = lines[k++];
        if (l.startsWith('\\')) continue; // "\ No newline at end of file"
        // Mail often drops the space of an empty context line.
        const op = (l === '' ? ' ' : l[0]) as HunkLine['op'];
        if (op !== ' ' && op !== '-' && op !== '+') throw new PatchError(`hunk ${m[0]}: a line that is not context, - or +: ${JSON.stringify(l)}`);
        body.push({ op, text: l.slice(1) });
        if (op !== '+') olds++;
        if (op !== '-') news++;
      }
      hunks.push({ header: header.trim(), oldStart: Number(m[1]), oldLines, lines: body });
      while (k < lines.length && lines[k].startsWith('\\')) k++;
    }
    if (!hunks.length) throw new PatchError(`file ${path}: no hunks`);
    files.push({ path, hunks });
    i = k;
  }
  if (!files.length) throw new PatchError('no unified diff found');
  return files;
}

const same = (a: string, b: string) => a.trimEnd() === b.trimEnd();

/** The best place for hunk `h` in `src` near `want` (0-based), or undefined. */
function place(src: readonly string[], h: Hunk, want: number): { at: number; fuzzed: { patch: string; file: string }[] } | undefined {
  const old = h.lines.filter((l) => l.op !== '+');
  const context = old.filter((l) => l.op === ' ' && l.text.trim() !== '').length;
  let best: { at: number; score: number; fuzzed: { patch: string; file: string }[] } | undefined;
  for (let at = 0; at + old.length <= src.length; at++) {
    let score = 0;
    let ok = true;
    const fuzzed: { patch: string; file: string }[] = [];
    for (let j = 0; j < old.length && ok; j++) {
      const line = src[at + j];
      if (old[j].op === '-') ok = same(line, old[j].text);
      else if (same(line, old[j].text)) score += old[j].text.trim() === '' ? 0 : 1;
      else fuzzed.push({ patch: old[j].text, file: line });
    }
    // A third of the non-blank context, and two lines of it at least (or all when it has
    // fewer), must match: enough to anchor a hunk whose base differs (3/7 on 3.6), not so
    // little that a hunk lands on any lookalike line.
    if (!ok || score * 3 < context || score < Math.min(2, context)) continue;
    const better = !best || score > best.score || (score === best.score && Math.abs(at - want) < Math.abs(best.at - want));
    if (better) best = { at, score, fuzzed };
  }
  return best && { at: best.at, fuzzed: best.fuzzed };
}

/**
 * Applies `patch`'s hunks, in order, to `source`. `origins` (one entry per line of `source`,
 * e.g. `dmaengine.c:333`) follows the lines: an added line's origin is `label` and its hunk.
 * @throws PatchError naming the first hunk that has no place in the file
 */
export function applyPatch(
  source: string,
  patch: FilePatch,
  options: { readonly origins?: readonly string[]; readonly label?: string } = {},
): { text: string; placements: HunkPlacement[]; origins: string[] } {
  const src = source.split('\n');
  const origins = options.origins ? [...options.origins] : src.map((_, i) => `${patch.path}:${i + 1}`);
  const placements: HunkPlacement[] = [];
  let shift = 0;
  for (const h of patch.hunks) {
    const want = h.oldStart - 1 + shift;
    const found = place(src, h, want);
    if (!found) throw new PatchError(`${patch.path}: hunk "${h.header}" does not apply: its removed lines or enough of its context are not in the file`);
    const old = h.lines.filter((l) => l.op !== '+');
    // Context lines keep the file's text; removed lines go; added lines come in.
    const out: string[] = [];
    const from: string[] = [];
    let j = found.at;
    let added = 0;
    for (const l of h.lines) {
      if (l.op === '+') {
        out.push(l.text);
        from.push(`${options.label ?? 'patch'} ${h.header.replace(/ @@.*/, ' @@')} +${++added}`);
      } else if (l.op === ' ') {
        from.push(origins[j]);
        out.push(src[j++]);
      } else j++;
    }
    src.splice(found.at, old.length, ...out);
    origins.splice(found.at, old.length, ...from);
    placements.push({ header: h.header, line: found.at + 1, offset: found.at - want, fuzzed: found.fuzzed });
    shift = found.at - (h.oldStart - 1) + (out.length - old.length);
  }
  return { text: src.join('\n'), placements, origins };
}
