import { byId } from './dom.js';

/**
 * The page's sign-in section (#sign-in: a form with a labelled token field and a
 * #sign-in-message): shown with a reason when there is no usable token, hidden once one
 * is taken. The signed-in part of the page (#signed-in) and the sign-out button swap with it.
 */
export function createSignInForm(onToken: (token: string) => void) {
  const section = byId('sign-in');
  const message = byId('sign-in-message');
  const input = byId<HTMLInputElement>('token-input');
  const signedIn = byId('signed-in');
  const signOut = byId<HTMLButtonElement>('sign-out');

  byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') return;
    input.value = '';
    onToken(token);
  });

  return {
    /** Shows the form; `reason` (e.g. the BFF's 401 detail) says why, as an alert. */
    show(reason: string | null): void {
      message.textContent = reason ?? '';
      message.hidden = reason === null;
      section.hidden = false;
      signedIn.hidden = true;
      signOut.hidden = true;
      input.focus();
    },
    hide(): void {
      section.hidden = true;
      signedIn.hidden = false;
      signOut.hidden = false;
    },
  };
}
