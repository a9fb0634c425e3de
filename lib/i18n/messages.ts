import type { Locale } from './locales';
import de from './messages/de.json' with { type: 'json' };
import deAccount from './messages/de.account.json' with { type: 'json' };
import deAdmin from './messages/de.admin.json' with { type: 'json' };
import deMail from './messages/de.mail.json' with { type: 'json' };
import en from './messages/en.json' with { type: 'json' };
import enAccount from './messages/en.account.json' with { type: 'json' };
import enAdmin from './messages/en.admin.json' with { type: 'json' };
import enMail from './messages/en.mail.json' with { type: 'json' };

/**
 * A catalog is split by area (the sign-in core, the account pages, administration, mails and the CLI)
 * so that each file stays readable; the parts are merged into one tree per locale. The keys test keeps
 * English and German the same shape.
 */
export type Messages = typeof en & typeof enAccount & typeof enAdmin & typeof enMail;

type Tree = { [key: string]: string | Tree };

/** The parts as one tree; a message defined by two parts is a mistake, refused at load. */
export function mergeCatalogs(...parts: object[]): Tree {
  const out: Tree = {};
  const into = (target: Tree, part: Tree, path: string) => {
    for (const [key, value] of Object.entries(part)) {
      const at = path ? `${path}.${key}` : key;
      const existing = target[key];
      if (typeof value === 'string') {
        if (existing !== undefined) throw new Error(`The message ${at} is defined twice`);
        target[key] = value;
      } else {
        if (typeof existing === 'string') throw new Error(`The message ${at} is defined twice`);
        const branch: Tree = existing ?? {};
        target[key] = branch;
        into(branch, value, at);
      }
    }
  };
  for (const part of parts) into(out, part as Tree, '');
  return out;
}

// Every part is bundled (they are small).
const catalogs: Record<Locale, Messages> = {
  en: mergeCatalogs(en, enAccount, enAdmin, enMail) as Messages,
  de: mergeCatalogs(de, deAccount, deAdmin, deMail) as Messages,
};

export function loadMessages(locale: Locale): Messages {
  return catalogs[locale];
}
