// The audit log as CSV: the export route and the CLI's `audit:list --csv` write the same rows.
import { csvRow } from './csv';
import { describeEvent, type EventRow } from './audit-events';

export const AUDIT_CSV_HEADER = csvRow(['time_utc', 'event', 'type', 'actor', 'target', 'address', 'detail']);

/** One event as a CSV record: its sentence, and the raw type and detail JSON for the curious. */
export function auditCsvRow(row: EventRow & { createdAt: number; ip: string | null }): string {
  const view = describeEvent(row);
  return csvRow([new Date(row.createdAt).toISOString(), view.sentence, row.action, view.actor, view.target, row.ip, row.detail]);
}
