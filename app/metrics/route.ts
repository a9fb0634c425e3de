import { metricsAccess } from '@/lib/ops/metrics-access';
import { metrics, registry } from '@/lib/ops/metrics';

export const dynamic = 'force-dynamic';

const text = (status: number, body: string, extra: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...extra } });

/** The Prometheus text format, through METRICS_PORT (loopback) or with the METRICS_TOKEN bearer token only. */
export async function GET() {
  const access = await metricsAccess();
  if (access === 'unauthorized') return text(401, 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".\n', { 'www-authenticate': 'Bearer realm="metrics"' });
  if (access === 'forbidden') return text(403, 'Metrics are served on METRICS_PORT (this machine only), or here with the METRICS_TOKEN bearer token.\n');
  // Every metric is listed from the first scrape, before anything counted into it.
  metrics();
  const register = registry();
  return text(200, await register.metrics(), { 'content-type': register.contentType });
}
