// Cost of --require-auth: verifying one signed PutEvents of 10 entries (2.7 KB), in process,
// without HTTP. Build first. Usage: node bench/reliability/sigv4Verify.mjs
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4 } from '../../dist/src/wire/sigv4Verify.js';
import { Sha256 } from '../../dist/src/util/sha256.js';
const body = JSON.stringify({ Entries: Array.from({ length: 10 }, (_, i) => ({ Source: 'shop', DetailType: 'placed', Detail: JSON.stringify({ i, pad: 'x'.repeat(200) }) })) });
const signer = new SignatureV4({ credentials: { accessKeyId: 'AKIAEXAMPLEKEY01', secretAccessKey: 's' }, region: 'us-east-1', service: 'events', sha256: Sha256 });
const out = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4010, path: '/', query: {}, headers: { host: '127.0.0.1:4010', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' }, body });
const headers = Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v]));
const req = { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body) };
const opts = { credentials: new Map([['AKIAEXAMPLEKEY01', 's']]), now: () => Date.now() };
for (let i = 0; i < 2000; i++) await verifySigV4(req, opts);
const n = 20000; const t = process.hrtime.bigint();
for (let i = 0; i < n; i++) await verifySigV4(req, opts);
const us = Number(process.hrtime.bigint() - t) / 1000 / n;
console.log(`body ${body.length} B: ${us.toFixed(1)} µs per verification, ${(1e6 / us).toFixed(0)}/s on one core`);
