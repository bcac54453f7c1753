import { useEffect, useId, useRef } from 'react';
import { navigate, paths, sameScreenIn, type Route } from '../routing';
import { useSession } from '../session';

export function Layout({ route, orgs, onLogout, children }: { route: Route; orgs: string[]; onLogout: () => void; children: React.ReactNode }) {
  const { me, org, isOrgAdmin } = useSession();
  const orgSelect = useId();
  const main = useRef<HTMLElement>(null);
  const section = route.page === 'package' ? 'packages' : route.page;

  // Move focus to the new screen on navigation so keyboard and screen-reader users follow along.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [section, org]);

  const link = (key: string, href: string, label: string) => (
    <li>
      <a href={href} aria-current={section === key ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Packgate</span>
        <div className="org-switch">
          {orgs.length > 1 ? (
            <>
              <label htmlFor={orgSelect}>Organization</label>
              <select id={orgSelect} value={org} onChange={(e) => navigate(sameScreenIn(route, e.target.value))}>
                {orgs.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </>
          ) : (
            <span>
              Organization: <strong>{org}</strong>
            </span>
          )}
        </div>
        <div className="user">
          <span>
            Signed in as <strong>{me.username}</strong>
          </span>
          <a href={paths.password(org)} aria-current={section === 'password' ? 'page' : undefined}>
            Change password
          </a>
          <button type="button" className="secondary" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <nav className="mainnav" aria-label="Main">
        <ul>
          {link('tokens', paths.tokens(org), 'Tokens')}
          {link('packages', paths.packages(org, 'type' in route ? route.type : 'pypi'), 'Packages')}
          {isOrgAdmin && link('members', paths.members(org), 'Members')}
          {isOrgAdmin && link('audit', paths.audit(org), 'Audit log')}
          {isOrgAdmin && link('trusted-publishers', paths.trustedPublishers(org), 'Trusted publishers')}
          {isOrgAdmin && link('upstreams', paths.upstreams(org), 'Upstreams')}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
