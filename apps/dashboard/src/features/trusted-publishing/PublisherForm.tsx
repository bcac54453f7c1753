import { useState } from 'react';
import type { Role } from '../../api/types';
import { CodeSnippet } from '../../components/Copy';
import { RoleCheckboxes } from '../../components/RoleCheckboxes';
import { ErrorMessage } from '../../components/Status';
import { publicUrlOf, useSession } from '../../session';
import { publishersApi, type TrustedPublisher } from './api';
import { PRESETS, curlExchange, githubWorkflow, gitlabJob, type Preset } from './presets';

/** Roles a minted token may never carry: tokens never hold the user-only ones, and CI tokens get no api/feed. */
const EXCLUDED_ROLES = ['dashboard', 'org:admin', 'api', 'feed'];

export function PublisherForm({ roles, onCreated }: { roles: Role[]; onCreated: (publisher: TrustedPublisher) => void }) {
  const { org, info } = useSession();
  const [preset, setPreset] = useState<Preset>(PRESETS[0]);
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState(PRESETS[0].issuer);
  const [audience, setAudience] = useState('packgate');
  const [claimValues, setClaimValues] = useState<Record<string, string>>({});
  const [customClaims, setCustomClaims] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [packages, setPackages] = useState('');
  const [lifetime, setLifetime] = useState('900');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tokenRoles = roles.filter((r) => (r.forTokens ?? true) && !EXCLUDED_ROLES.includes(r.name));

  function choosePreset(id: string) {
    const next = PRESETS.find((p) => p.id === id) ?? PRESETS[0];
    setPreset(next);
    setIssuer(next.issuer);
    setClaimValues({});
  }

  function claims(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const claim of preset.claims) if (claimValues[claim.name]?.trim()) result[claim.name] = claimValues[claim.name].trim();
    for (const line of customClaims.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    return result;
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError(new Error('Give the publisher a name.'));
    if (!issuer.trim()) return setError(new Error('Enter the issuer URL.'));
    if (Object.keys(claims()).length === 0) return setError(new Error('Fill in at least one claim, e.g. the repository.'));
    if (selected.length === 0) return setError(new Error('Choose at least one role.'));
    setBusy(true);
    try {
      const created = await publishersApi.create(org, {
        name: name.trim(),
        issuer: issuer.trim(),
        audience: audience.trim() || undefined,
        claims: claims(),
        roles: selected,
        packages: packages.split(',').map((p) => p.trim()).filter(Boolean),
        tokenLifetimeSeconds: Number(lifetime) || undefined,
      });
      setName('');
      setClaimValues({});
      setCustomClaims('');
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const snippetInput = { publicUrl: publicUrlOf(info), org, audience: audience.trim() || 'packgate', roles: selected };
  const snippet =
    preset.id === 'github'
      ? { label: 'GitHub Actions workflow', code: githubWorkflow(snippetInput) }
      : preset.id === 'gitlab'
        ? { label: 'GitLab CI job', code: gitlabJob(snippetInput) }
        : { label: 'Token exchange', code: curlExchange(snippetInput) };

  return (
    <div className="grid-2">
      <form className="card" onSubmit={submit} aria-labelledby="add-publisher-h" noValidate>
        <h2 id="add-publisher-h">Add a trusted publisher</h2>
        <div className="field">
          <label htmlFor="tp-preset">CI system</label>
          <select id="tp-preset" value={preset.id} onChange={(e) => choosePreset(e.target.value)}>
            {PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tp-name">Name</label>
          <input id="tp-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. app-release" />
        </div>
        <div className="field">
          <label htmlFor="tp-issuer">Issuer</label>
          <input id="tp-issuer" value={issuer} onChange={(e) => setIssuer(e.target.value)} placeholder="https://…" />
        </div>
        <div className="field">
          <label htmlFor="tp-audience">Audience</label>
          <input id="tp-audience" value={audience} onChange={(e) => setAudience(e.target.value)} aria-describedby="tp-audience-hint" />
          <span id="tp-audience-hint" className="hint">
            The job requests its ID token for this audience.
          </span>
        </div>
        <fieldset>
          <legend>Claims that must match</legend>
          <p className="hint">
            Every filled-in claim must match the ID token exactly; <code>*</code> matches any characters.
          </p>
          {preset.claims.map((claim) => (
            <div className="field" key={claim.name}>
              <label htmlFor={`tp-claim-${claim.name}`}>
                {claim.label} (<code>{claim.name}</code>)
              </label>
              <input
                id={`tp-claim-${claim.name}`}
                value={claimValues[claim.name] ?? ''}
                placeholder={claim.placeholder}
                onChange={(e) => setClaimValues({ ...claimValues, [claim.name]: e.target.value })}
                aria-describedby={claim.hint ? `tp-claim-${claim.name}-hint` : undefined}
              />
              {claim.hint && (
                <span id={`tp-claim-${claim.name}-hint`} className="hint">
                  {claim.hint}
                </span>
              )}
            </div>
          ))}
          <div className="field">
            <label htmlFor="tp-custom-claims">Other claims (one <code>claim=value</code> per line)</label>
            <textarea id="tp-custom-claims" rows={3} value={customClaims} onChange={(e) => setCustomClaims(e.target.value)} />
          </div>
        </fieldset>
        <RoleCheckboxes legend="Roles of the minted token" roles={tokenRoles} selected={selected} onChange={setSelected} disabled={busy} />
        <div className="field">
          <label htmlFor="tp-packages">Packages (optional)</label>
          <input id="tp-packages" value={packages} onChange={(e) => setPackages(e.target.value)} placeholder="pypi:app, npm:@acme/*, docker:app" aria-describedby="tp-packages-hint" />
          <span id="tp-packages-hint" className="hint">
            Comma-separated <code>type:name</code> globs; the minted token may touch only these.
          </span>
        </div>
        <div className="field">
          <label htmlFor="tp-lifetime">Token lifetime (seconds)</label>
          <input id="tp-lifetime" type="number" min={60} max={3600} value={lifetime} onChange={(e) => setLifetime(e.target.value)} />
        </div>
        <ErrorMessage error={error} title="Could not add the publisher" />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Add trusted publisher
          </button>
        </div>
      </form>
      <section className="card" aria-labelledby="publisher-snippet-h">
        <h2 id="publisher-snippet-h">What the CI job runs</h2>
        <p className="hint">It follows the form: the audience, and a publish step for each format the roles allow.</p>
        <CodeSnippet label={snippet.label} code={snippet.code} hint="Paste this into the CI configuration; it needs no stored secret." />
      </section>
    </div>
  );
}
