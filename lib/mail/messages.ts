import 'server-only';
import { config } from '@/lib/config';
import type { Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translate';
import type { OutgoingMail } from './outbox';

/**
 * A link into the app for a mail: always from AUTH_URL (without it, the address `npm start` serves
 * on this machine), never from a request's Host header, which whoever sends the request chooses.
 */
export function appLink(pathAndQuery: string): string {
  const { authUrl, port } = config();
  return new URL(pathAndQuery, authUrl ?? `http://localhost:${port}`).toString();
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface MailContent {
  kind: string;
  userId: number | null;
  to: string;
  /** The recipient's language (./locale.ts decides it): the frame's words and the HTML's lang. */
  locale: Locale;
  /** Greeting name. */
  name: string;
  subject: string;
  /** Paragraphs, plain text. */
  paragraphs: string[];
  /** Label/value lines under the paragraphs (When, From address, By, …). */
  facts?: [string, string][];
  /** One button-like link, with what it does; written out in full in the text part. */
  link?: { label: string; url: string };
  /** The closing paragraph: what to do if it wasn't them, how long the link lasts, … */
  closing?: string;
}

/**
 * Renders a mail in plain text and simple HTML (no images, no remote content, no tracking): the
 * product name from APP_NAME in the subject and the signature.
 */
export function renderMail(content: MailContent): OutgoingMail {
  const { appName } = config();
  const t = translatorFor(content.locale);
  const facts = content.facts ?? [];
  const greeting = t('Mail.greeting', { name: content.name });
  const text = [
    greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(facts.length ? [...facts.map(([label, value]) => `${label}: ${value}`), ''] : []),
    ...(content.link ? [`${content.link.label}:`, content.link.url, ''] : []),
    ...(content.closing ? [content.closing, ''] : []),
    `— ${appName}`,
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="${content.locale}"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #111; max-width: 36rem">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(facts.length ? ['<table role="presentation">', ...facts.map(([label, value]) => `<tr><th scope="row" style="text-align: left; padding-right: 1rem">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`), '</table>'] : []),
    ...(content.link ? [`<p><a href="${escapeHtml(content.link.url)}">${escapeHtml(content.link.label)}</a></p>`, `<p style="font-size: 0.875rem">${escapeHtml(t('Mail.copyLink', { url: content.link.url }))}</p>`] : []),
    ...(content.closing ? [`<p>${escapeHtml(content.closing)}</p>`] : []),
    `<p>— ${escapeHtml(appName)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { kind: content.kind, userId: content.userId, to: content.to, subject: `${appName}: ${content.subject}`, text, html };
}
