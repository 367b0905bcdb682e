// Bundles the server (src/cli.ts and everything it imports statically, node_modules included)
// into the single file dist/src/cli.js, overwriting tsc's copy: start-up then reads, resolves
// and compiles one module instead of ~900 (profile: most of a ~0.7 s start went into Node's
// module loader, not our code). tsc still emits the rest of dist/src (the package's `main`
// and its types). The packages imported lazily stay external, loaded from node_modules when
// first needed: the AWS SDK clients (first delivery to such a target) and @smithy/signature-v4
// (first signed request; see src/util/signatureV4.ts).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/src/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['@aws-sdk/*', '@smithy/node-http-handler', '@smithy/signature-v4'],
  // Bundled CommonJS packages (express and its dependencies) call require() for Node's own
  // modules; an ES module has no require, so the bundle makes one.
  banner: { js: "import { createRequire as __eblCreateRequire } from 'node:module'; const require = __eblCreateRequire(import.meta.url);" },
});
