/** n random bytes, drawn 64 KiB at a time (getRandomValues refuses more at once: a vault of 2,000 contacts is larger). */
export function randomBytes(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)));
  return bytes;
}
