// Two lists holding the same values, in any order: what "unchanged" means for roles, scopes,
// grant types and the like.
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}
