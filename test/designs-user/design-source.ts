/**
 * The text of a small user design module, as a user writes one: it imports the helpers
 * from `from` ('dmaspec/design' once installed, or the repository's src/design.ts) and a
 * local helper module, and claims one property it keeps.
 */

/** A design module's source: TypeScript (`ts`) or plain JavaScript. */
export function designSource(name: string, from: string, ts: boolean): string {
  return [
    ts ? `import { type DesignModel, freeStep } from '${from}';` : `import { freeStep } from '${from}';`,
    "import { CLAIMS } from './claims-helper.js';",
    '',
    `export const design${ts ? ': DesignModel' : ''} = {`,
    `  name: '${name}',`,
    "  title: 'frees at once',",
    "  summary: 'unregister frees the device at once, as 3.4 does.',",
    "  hotPath: 'plain',",
    '  ejecting: (b) => ({',
    "    afterUnregister: 'unlisted',",
    "    states: { unlisted: { id: b.id('unlisted'), description: 'off the list', on: { [b.ev('free')]: freeStep(b, 'nothing', 'free the device') } } },",
    '  }),',
    '  rules: () => ({}),',
    '  claims: CLAIMS,',
    '  assumptions: [],',
    '};',
    '',
  ].join('\n');
}

/** The local helper module every design imports: ES syntax in a `.js` file. */
export const HELPER_SOURCE = "export const CLAIMS = ['table-names-listed-channels'];\n";
