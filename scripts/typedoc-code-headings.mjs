// TypeDoc plugin: headings keep their code spans in the page's table of contents and in
// their anchors. TypeDoc 0.28 builds both from a heading's plain-text tokens only, so
// "## `percpu-ref` — kill" became " — kill" (#-kill). Each code span in a heading is
// re-expressed as raw <code> tags around a text token: the same HTML, and text TypeDoc sees.
// Plain JavaScript: TypeDoc loads plugins with Node's own loader.

/** @param {import('typedoc').Application} app */
export function load(app) {
  // After bootstrap: TypeDoc reads its options again once the plugins are loaded.
  app.on('bootstrapEnd', () => install(app));
}

/** @param {import('typedoc').Application} app */
function install(app) {
  const previous = app.options.getValue('markdownItLoader');
  app.options.setValue('markdownItLoader', (parser) => {
    previous(parser);
    parser.core.ruler.push('dmaspec_code_headings', (state) => {
      const tokens = state.tokens;
      for (let i = 0; i < tokens.length; i++) {
        if (tokens[i].type !== 'heading_open') continue;
        const inline = tokens[i + 1];
        if (inline?.type !== 'inline' || !inline.children) continue;
        inline.children = inline.children.flatMap((t) => {
          if (t.type !== 'code_inline') return [t];
          const open = new state.Token('html_inline', '', 0);
          open.content = '<code>';
          const text = new state.Token('text', '', 0);
          text.content = t.content;
          const close = new state.Token('html_inline', '', 0);
          close.content = '</code>';
          return [open, text, close];
        });
      }
    });
  });
}
