// What a database failure means for the person waiting: kept apart from the drivers' own errors.

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '57P03', '3D000', '28P01', '28000']);
// Lost connection, server shutting down, too many clients, deadlock, serialization, statement timeout.
const TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', '57P01', '57P02', '57P03', '57P05', '25P03', '53300', '40P01', '40001', '57014', '55P03', '08000', '08003', '08006', 'SQLITE_BUSY']);

/** The driver's error code, looking through Drizzle's wrapper (DrizzleQueryError keeps it as `cause`). */
function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function messagesOf(error: unknown): string {
  const parts: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) parts.push(e.message);
  return parts.join(' / ');
}

/** A URL without its password, for logs and start-up messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** One line for a database that cannot be reached or entered at start, or null for other errors. */
export function databaseUnreachable(error: unknown): string | null {
  const code = codeOf(error);
  const timedOut = error instanceof Error && /timeout/i.test(error.message);
  if (!code && !timedOut) return null;
  if (code && !UNREACHABLE.has(code)) return null;
  const url = process.env.DATABASE_URL ? redactedUrl(process.env.DATABASE_URL) : 'the database';
  return `cannot reach the database at ${url}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}

/** Whether a request failed for a reason that passes (a lost connection, a timeout, a deadlock): "try again". */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = codeOf(error);
  if (code && TRANSIENT.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|database is locked|not queryable|Client was closed/i.test(messagesOf(error));
}
