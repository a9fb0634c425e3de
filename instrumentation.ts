// Next.js runs register() once when a server process starts: the mail sender loop lives there.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startMailSender } = await import('./lib/mail/sender');
  startMailSender();
}
