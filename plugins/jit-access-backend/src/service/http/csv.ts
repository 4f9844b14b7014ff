import type { AccessRequest } from '@jit-access/plugin-jit-access-common';

const CSV_FIELDS: Array<keyof AccessRequest> = [
  'id', 'requester', 'requesterName', 'accountId', 'accountName', 'kind', 'permissionSetName', 'status',
  'requestedDurationMinutes', 'effectiveDurationMinutes', 'reason', 'ticket',
  'createdAt', 'decidedAt', 'activatedAt', 'expiresAt', 'endedAt', 'statusReason',
];

/**
 * Columns of the export: the request's fields, then its break-glass review
 * (closed ones only). People are given by entity ref, each followed by the
 * display name (empty for someone no longer in the catalog).
 */
const CSV_COLUMNS: Array<[string, (r: AccessRequest) => unknown]> = [
  ...CSV_FIELDS.map((f): [string, (r: AccessRequest) => unknown] => [f, r => r[f]]),
  ['breakGlass', r => !!r.breakGlass],
  ['reviewedBy', r => r.review?.closedBy],
  ['reviewedByName', r => r.review?.closedByName],
  ['reviewComment', r => r.review?.comment],
  ['reviewedAt', r => r.review?.closedAt],
];

/** RFC 4180 CSV; cells that a spreadsheet would run as formulas are prefixed with '. */
export function toCsv(rows: AccessRequest[]): string {
  const cell = (v: unknown) => {
    let text = v === undefined || v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, value]) => cell(value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
