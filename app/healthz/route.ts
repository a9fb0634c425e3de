// The process is up and serves requests: no database work, so a balancer may ask every second.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' });
}
