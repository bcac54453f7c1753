import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler } from './api/client';
import type { Info, Me } from './api/types';
import { Layout } from './components/Layout';
import { ErrorMessage, Loading } from './components/Status';
import { LoginPage } from './features/auth/LoginPage';
import { PasswordPage } from './features/account/PasswordPage';
import { AuditPage } from './features/audit/AuditPage';
import { MembersPage } from './features/members/MembersPage';
import { PackagePage } from './features/packages/PackagePage';
import { PackagesPage } from './features/packages/PackagesPage';
import { TokensPage } from './features/tokens/TokensPage';
import { TrustedPublishersPage } from './features/trusted-publishing/TrustedPublishersPage';
import { UpstreamsPage } from './features/upstreams/UpstreamsPage';
import { navigate, paths, useRoute, type Route } from './routing';
import { SessionContext, buildSession, dashboardOrgs } from './session';

type AuthState = { status: 'checking' } | { status: 'anonymous'; notice?: string } | { status: 'signed-in'; me: Me };

export function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<AuthState>({ status: 'checking' });
  const [info, setInfo] = useState<Info | null>(null);

  useEffect(() => {
    let live = true;
    api.me().then(
      (me) => live && setAuth({ status: 'signed-in', me }),
      () => live && setAuth({ status: 'anonymous' }),
    );
    api.info().then(
      (value) => live && setInfo(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => setAuth({ status: 'anonymous', notice: 'Your session has ended. Please log in again.' }));
    return () => setUnauthorizedHandler(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setAuth({ status: 'anonymous', notice: 'You have been logged out.' });
    }
  }, []);

  const orgs = auth.status === 'signed-in' ? dashboardOrgs(auth.me) : [];
  const routeOrg = 'org' in route ? route.org : undefined;
  const org = routeOrg && (orgs.includes(routeOrg) || (auth.status === 'signed-in' && auth.me.isAdmin)) ? routeOrg : orgs[0];

  // Land on a real screen once signed in (e.g. from `/` or an org the user has no access to).
  useEffect(() => {
    if (auth.status === 'signed-in' && org && routeOrg !== org) navigate(paths.tokens(org));
  }, [auth.status, org, routeOrg]);

  const session = useMemo(() => (auth.status === 'signed-in' && org ? buildSession(auth.me, info, org) : null), [auth, info, org]);

  if (auth.status === 'checking') {
    return (
      <main className="center">
        <Loading label="Loading Packgate…" />
      </main>
    );
  }
  if (auth.status === 'anonymous') {
    return <LoginPage notice={auth.notice} onLogin={(me) => setAuth({ status: 'signed-in', me })} />;
  }
  if (!session) {
    return (
      <main className="center">
        <ErrorMessage error={new Error('Your account is not a member of any organization.')} />
        <button type="button" onClick={logout}>
          Log out
        </button>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout route={route} orgs={orgs} onLogout={logout}>
        <Screen route={route} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.page) {
    case 'packages':
      return <PackagesPage type={route.type} />;
    case 'package':
      return <PackagePage type={route.type} name={route.name} />;
    case 'members':
      return <MembersPage />;
    case 'audit':
      return <AuditPage />;
    case 'password':
      return <PasswordPage />;
    case 'trusted-publishers':
      return <TrustedPublishersPage />;
    case 'upstreams':
      return <UpstreamsPage />;
    default:
      return <TokensPage />;
  }
}
