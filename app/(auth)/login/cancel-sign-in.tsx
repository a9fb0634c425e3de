import { getTranslations } from 'next-intl/server';
import { cancelChallengeAction } from './verify/actions';

/** "Cancel" on the second step of sign-in: ends the pending challenge. */
export async function CancelSignIn() {
  const t = await getTranslations('Verify');
  return (
    <form action={cancelChallengeAction}>
      <button type="submit" className="btn-secondary w-full">
        {t('cancel')}
      </button>
    </form>
  );
}
