// Stub for the shutdown tests; the real /readyz (database, migrations, hash pool) replaces it.
import { isDraining } from '@/lib/ops/shutdown';

export const dynamic = 'force-dynamic';

export function GET() {
  const ready = !isDraining();
  return Response.json({ ready }, { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
