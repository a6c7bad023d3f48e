/**
 * Import rules of `npm run lint`, run by scripts/lint/imports.ts (which also finds circles
 * between the top-level parts of the product on the same cruise); `npx depcruise src
 * --config .dependency-cruiser.cjs` runs these rules alone. test/lint/ plants a violation of
 * each check and sees it fail.
 */
/** What the checker's engine may import besides its own files: the kit a statechart is written in, and the event vocabulary. */
const ENGINE_MAY_IMPORT = ['^src/check/engine/', '^machines/(kit|model|xstate)[.]ts$', '^spec/vocabulary[.]ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-imports-the-project',
      severity: 'error',
      comment:
        'src/check/engine knows nothing of dmaengine: a model, its properties and how workers rebuild it are handed to it (src/check/engine/check.ts). ' +
        'It imports only itself, machines/{kit,model,xstate}.ts and spec/vocabulary.ts; the rest of the project imports it, never the reverse.',
      from: { path: '^src/check/engine/' },
      to: { path: '^(src|machines|spec|test|bench|scripts|examples)/', pathNot: ENGINE_MAY_IMPORT },
    },
  ],
  options: {
    // Type-only imports are dependencies too: the engine may not even name the project's types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    moduleSystems: ['es6'],
  },
};
