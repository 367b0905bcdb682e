/** The wire carries timestamps as epoch seconds (JSON numbers); the store keeps milliseconds. */
export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}
