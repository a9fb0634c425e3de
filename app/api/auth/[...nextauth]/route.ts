import type { NextRequest } from 'next/server';
import { handlers } from '@/lib/auth/auth';

// The session endpoint would hand the session id to page scripts; nothing here needs it.
export function GET(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith('/session')) return Response.json({ error: 'Not found' }, { status: 404 });
  return handlers.GET(request);
}

export const { POST } = handlers;
