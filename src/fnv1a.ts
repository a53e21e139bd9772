/** FNV-1a, 32 bits, unsigned: a fast, stable digest of a string where a rare collision is harmless. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
