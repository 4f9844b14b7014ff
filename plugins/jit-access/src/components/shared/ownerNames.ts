/**
 * Owners as people read them: each owner's display name, or its ref when
 * the catalog has no name for it (refs stay the identifiers in the API, the
 * CSV export and the owners input of the config page).
 */
export function ownerNamesOf(owners: readonly string[], ownerNames?: Record<string, string>): string {
  return owners.map(ref => ownerNames?.[ref] ?? ref).join(', ');
}
