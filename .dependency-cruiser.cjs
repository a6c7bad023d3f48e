/**
 * Import rules of `npm run lint` (dependency-cruiser). Folder circles between the top-level
 * parts of the product are checked by scripts/lint/folder-circles.ts on the graph this
 * cruise finds; function lengths by scripts/lint/function-budget.ts. test/lint/ plants a
 * violation of each and sees it fail.
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
