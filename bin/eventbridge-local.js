#!/usr/bin/env node
// `npx eventbridge-local` and the installed bin run the same entry point as npm start.
import '../dist/src/cli.js';
