// Bundles the server (src/cli.ts and everything it imports statically, node_modules included)
// into the single file dist/src/cli.js, overwriting tsc's copy: start-up then reads, resolves
// and compiles one module instead of ~900 (profile: most of a ~0.7 s start went into Node's
// module loader, not our code). tsc still emits the rest of dist/src (the package's `main`
// and its types). The packages imported lazily stay external, loaded from node_modules when
// first needed: the AWS SDK clients (first delivery to such a target), @smithy/signature-v4
// (first signed request; see src/util/signatureV4.ts), and body-parser and mime-types (first
// request through express that needs them; the two plugins below), and qs (never, unless
// express's extended query parser is used; the third).
import { build } from 'esbuild';

/**
 * Express requires body-parser (and through it iconv-lite, raw-body, qs ...) when it loads, and
 * the routes that use it build their parsers when they are set up; SDK calls never reach express.
 * Profile of a start: that was ~2/3 of express's load before "listening", and iconv-lite alone
 * was 550 kB of the 1.9 MB bundle that Node decodes and compiles at every start. In the bundle,
 * express gets a body-parser whose parsers are made at the first request through them, with the
 * same options, from the installed package (not bundled: node_modules is there wherever the
 * bundle runs, since the AWS SDK clients are loaded from it too), resolved as express resolves it.
 */
const lazyBodyParser = {
  name: 'lazy-body-parser',
  setup(b) {
    b.onResolve({ filter: /^body-parser$/ }, (args) =>
      /[\\/]express[\\/]lib[\\/]express\.js$/.test(args.importer) ? { path: 'body-parser', namespace: 'lazy-body-parser' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-body-parser' }, () => ({
      loader: 'js',
      contents: `
        const { createRequire } = require('node:module');
        let parsers;
        const later = (kind) => (options) => {
          let parse;
          return function lazyBodyParser(req, res, next) {
            parse ??= (parsers ??= createRequire(require.resolve('express'))('body-parser'))[kind](options);
            return parse(req, res, next);
          };
        };
        module.exports = { json: later('json'), raw: later('raw'), text: later('text'), urlencoded: later('urlencoded') };
      `,
    }));
  },
};

/**
 * mime-types builds its tables from mime-db (230 kB of JSON, ~2,500 types) when it loads, and
 * express, type-is, accepts and send require it when they load; they call it only per request.
 * In the bundle they get a mime-types whose members load the installed package at first use:
 * express's copy, for all four (in this lockfile they all resolve to that one, 3.x).
 */
const lazyMimeTypes = {
  name: 'lazy-mime-types',
  setup(b) {
    b.onResolve({ filter: /^mime-types$/ }, () => ({ path: 'mime-types', namespace: 'lazy-mime-types' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-mime-types' }, () => ({
      loader: 'js',
      contents: `
        const { createRequire } = require('node:module');
        let real;
        const load = () => (real ??= createRequire(require.resolve('express'))('mime-types'));
        module.exports = {
          charset: (type) => load().charset(type),
          contentType: (str) => load().contentType(str),
          extension: (type) => load().extension(type),
          lookup: (path) => load().lookup(path),
          get charsets() { return load().charsets; },
          get extensions() { return load().extensions; },
          get types() { return load().types; },
          get _extensionConflicts() { return load()._extensionConflicts; },
        };
      `,
    }));
  },
};

/**
 * Express requires qs when it loads (for its "extended" query parser, which the emulator does not
 * set) and with it side-channel, object-inspect, get-intrinsic ...: ~150 kB of the bundle that
 * every start compiled and no request runs. In the bundle express gets a qs that loads the
 * installed package at its first use, as the body-parser above does.
 */
const lazyQs = {
  name: 'lazy-qs',
  setup(b) {
    b.onResolve({ filter: /^qs$/ }, (args) => (/[\\/]express[\\/]lib[\\/]utils\.js$/.test(args.importer) ? { path: 'qs', namespace: 'lazy-qs' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-qs' }, () => ({
      loader: 'js',
      contents: `
        const { createRequire } = require('node:module');
        let real;
        const load = () => (real ??= createRequire(require.resolve('express'))('qs'));
        module.exports = {
          parse: (str, options) => load().parse(str, options),
          stringify: (object, options) => load().stringify(object, options),
          get formats() { return load().formats; },
        };
      `,
    }));
  },
};

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/src/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [lazyBodyParser, lazyMimeTypes, lazyQs],
  external: ['@aws-sdk/*', '@smithy/node-http-handler', '@smithy/signature-v4'],
  // Bundled CommonJS packages (express and its dependencies) call require() for Node's own
  // modules; an ES module has no require, so the bundle makes one.
  banner: { js: "import { createRequire as __eblCreateRequire } from 'node:module'; const require = __eblCreateRequire(import.meta.url);" },
});
