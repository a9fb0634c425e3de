import { cancelChallengeAction } from './verify/actions';

/** "Cancel" on the second step of sign-in: ends the pending challenge. */
export function CancelSignIn() {
  return (
    <form action={cancelChallengeAction}>
      <button type="submit" className="btn-secondary w-full">
        Cancel
      </button>
    </form>
  );
}
