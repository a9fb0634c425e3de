import { readiness } from '@/lib/ops/readiness';

export const dynamic = 'force-dynamic';

/** 200 when this instance should get requests, 503 (with which check failed) when it should not. */
export async function GET() {
  const { ready, checks } = await readiness();
  return Response.json({ status: ready ? 'ready' : 'not ready', checks }, { status: ready ? 200 : 503 });
}
