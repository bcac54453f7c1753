import { useState } from 'react';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/Status';
import { useSession } from '../../session';

const MIN_PASSWORD_LENGTH = 8;

/** Change your own password: needs the current one; the server then ends every other session. */
export function PasswordPage() {
  const { me } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice('');
    if (!current) return setError(new Error('Enter your current password.'));
    if (next.length < MIN_PASSWORD_LENGTH) return setError(new Error(`The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`));
    if (next !== confirm) return setError(new Error('The two new passwords do not match.'));
    setBusy(true);
    try {
      await api.changePassword(me.username, current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setNotice('Password changed. Your other sessions have been logged out.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Change password</h1>
      <form className="card" onSubmit={submit} aria-labelledby="password-h" noValidate>
        <h2 id="password-h">Password of {me.username}</h2>
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input id="current-password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            aria-describedby="new-password-hint"
          />
          <span id="new-password-hint" className="hint">
            At least {MIN_PASSWORD_LENGTH} characters. Changing it logs out your other sessions; access tokens keep working.
          </span>
        </div>
        <div className="field">
          <label htmlFor="confirm-password">Repeat the new password</label>
          <input id="confirm-password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </div>
        <ErrorMessage error={error} title="Password not changed" />
        {notice && (
          <p className="alert alert-info" role="status">
            {notice}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </>
  );
}
