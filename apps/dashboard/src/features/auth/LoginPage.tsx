import { useState } from 'react';
import { api } from '../../api/client';
import type { Me } from '../../api/types';
import { ErrorMessage } from '../../components/Status';

export function LoginPage({ onLogin, notice }: { onLogin: (me: Me) => void; notice?: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api.login(username.trim(), password));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Log in to Packgate</h1>
        {notice && !error && (
          <p className="alert alert-info" role="status">
            {notice}
          </p>
        )}
        <ErrorMessage error={error} title="Login failed" />
        <div className="field">
          <label htmlFor="login-username">Username</label>
          <input id="login-username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="hint">Only accounts holding the <code>dashboard</code> role in an organization can use the dashboard.</p>
      </form>
    </main>
  );
}
