import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { Token, TokenWithSecret } from '../../api/types';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorMessage, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { SecretPanel } from './SecretPanel';
import { TokenForm } from './TokenForm';
import { TokenList } from './TokenList';

type Pending = { kind: 'rotate' | 'delete'; token: Token } | null;

export function TokensPage() {
  const { org, isOrgAdmin } = useSession();
  const [all, setAll] = useState(false);
  const roles = useAsync(() => api.roles(org), [org]);
  const tokens = useAsync(() => api.tokens(org, isOrgAdmin && all), [org, all, isOrgAdmin]);
  const [secret, setSecret] = useState<{ token: TokenWithSecret; rotated: boolean } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [focusList, setFocusList] = useState(false);
  // Once the secret panel (and its focused button) is gone, continue at the token list, not the page body.
  useEffect(() => {
    if (focusList && !secret) {
      listHeading.current?.focus();
      setFocusList(false);
    }
  }, [focusList, secret]);

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    setActionError(null);
    try {
      if (pending.kind === 'rotate') {
        setSecret({ token: await api.rotateToken(org, pending.token.id), rotated: true });
        setNotice('');
      } else {
        await api.deleteToken(org, pending.token.id);
        setNotice(`Token “${pending.token.name}” deleted.`);
      }
      setPending(null);
      tokens.reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page">
      <h1>Access tokens</h1>
      <p className="lead">
        Tokens let clients and CI reach the <strong>{org}</strong> registries. Each carries roles; its secret is shown only once.
      </p>
      {secret && (
        <SecretPanel
          token={secret.token}
          rotated={secret.rotated}
          onDone={() => {
            setSecret(null);
            setNotice('The secret is no longer displayed.');
            setFocusList(true);
          }}
        />
      )}
      <div className="grid-2">
        <TokenForm
          roles={roles.data}
          rolesError={roles.error}
          rolesLoading={roles.loading}
          onCreated={(token) => {
            setSecret({ token, rotated: false });
            setNotice('');
            tokens.reload();
          }}
        />
        <section className="card" aria-labelledby="token-list-h">
          <div className="section-head">
            <h2 id="token-list-h" ref={listHeading} tabIndex={-1}>{all ? 'All tokens in this organization' : 'Your tokens'}</h2>
            {isOrgAdmin && (
              <div className="checkbox">
                <input id="tokens-all" type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
                <label htmlFor="tokens-all">Show tokens of all members</label>
              </div>
            )}
          </div>
          {notice && (
            <p className="alert alert-info" role="status">
              {notice}
            </p>
          )}
          {pending && (
            <ConfirmPanel
              title={pending.kind === 'rotate' ? `Rotate token “${pending.token.name}”?` : `Delete token “${pending.token.name}”?`}
              confirmLabel={pending.kind === 'rotate' ? 'Rotate token' : 'Delete token'}
              danger
              busy={busy}
              onConfirm={confirm}
              onCancel={() => {
                setPending(null);
                setActionError(null);
              }}
            >
              <p>
                {pending.kind === 'rotate'
                  ? 'A new secret is issued and shown once. The current secret, and every token derived from it, stops working immediately.'
                  : 'The token and every token derived from it stop working immediately. This cannot be undone.'}
              </p>
              <ErrorMessage error={actionError} title={pending.kind === 'rotate' ? 'Could not rotate' : 'Could not delete'} />
            </ConfirmPanel>
          )}
          {tokens.loading && !tokens.data && <Loading label="Loading tokens…" />}
          <ErrorMessage error={tokens.error} title="Could not load tokens" />
          {tokens.data && (
            <TokenList tokens={tokens.data} showOwner={all} busyId={busy ? pending?.token.id : undefined} onRotate={(token) => setPending({ kind: 'rotate', token })} onDelete={(token) => setPending({ kind: 'delete', token })} />
          )}
        </section>
      </div>
    </div>
  );
}
