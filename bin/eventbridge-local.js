#!/usr/bin/env node
// npm start's --interrupt-budget=16384 (V8 optimizes hot code after a quarter of its default budget: a fresh
// emulator's first seconds under load cost its event loop less; docs/performance.md, issue 24). A shebang cannot
// pass it and NODE_OPTIONS refuses it, so it is set here, before any of the server's code is loaded.
import v8 from 'node:v8';

v8.setFlagsFromString('--interrupt-budget=16384');
await import('../dist/src/cli.js');
