import 'server-only';
import { requestLocale } from './request';
import { translatorFor, type Translate } from './translate';

/** For a server action that composes a message from parts: a translator for this request's locale. */
export async function requestTranslator(): Promise<Translate> {
  return translatorFor(await requestLocale());
}
