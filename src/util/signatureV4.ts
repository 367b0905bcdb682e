/**
 * @smithy/signature-v4 (with the @smithy/core it pulls in) is loaded on the first signed
 * request, not at start-up: it was a third of the bundled server's code, and an emulator that
 * is never sent a signature (or a `--version`) never needs it.
 */
type SignatureV4Class = typeof import('@smithy/signature-v4').SignatureV4;

let loading: Promise<SignatureV4Class> | undefined;

export function loadSignatureV4(): Promise<SignatureV4Class> {
  return (loading ??= import('@smithy/signature-v4').then((m) => m.SignatureV4));
}
