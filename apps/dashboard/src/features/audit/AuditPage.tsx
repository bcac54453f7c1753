import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { AuditEvent } from '../../api/types';
import { EmptyState, ErrorMessage, Loading, TableScroll } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { formatDate } from '../../format';
import { useSession } from '../../session';
import { detailLines } from './auditDetails';
import { installationAudit } from './installationAudit';

type Scope = 'org' | 'installation';

interface Filter {
  action: string;
  result: '' | AuditEvent['result'];
  actor: string;
  limit: number;
}

const EMPTY: Filter = { action: '', result: '', actor: '', limit: 100 };

function Details({ value }: { value: unknown }) {
  const lines = detailLines(value);
  if (lines.length === 0) return null;
  return (
    <dl className="details">
      {lines.map((line) => (
        <div key={line.key}>
          <dt>{line.key}</dt>
          <dd>{line.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditPage() {
  const { org, me } = useSession();
  const [scope, setScope] = useState<Scope>('org');
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const load = (before?: number) => (scope === 'installation' ? installationAudit({ ...filter, before }) : api.audit(org, { ...filter, before }));
  const events = useAsync(() => load(), [org, filter, scope]);
  // Pages loaded with "Show older events", appended below the newest page.
  const [older, setOlder] = useState<AuditEvent[][]>([]);
  const [olderLoading, setOlderLoading] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  useEffect(() => {
    setOlder([]);
    setOlderError(null);
  }, [org, filter, scope]);
  const pages = events.data ? [events.data, ...older] : [];
  const rows = pages.flat();
  const hasOlder = pages.length > 0 && pages[pages.length - 1].length === filter.limit;
  async function loadOlder() {
    setOlderLoading(true);
    setOlderError(null);
    try {
      const page = await load(rows[rows.length - 1].id);
      setOlder((current) => [...current, page]);
    } catch (err) {
      setOlderError(err);
    } finally {
      setOlderLoading(false);
    }
  }

  return (
    <div className="page">
      <h1>Audit log</h1>
      {me.isAdmin && (
        <div className="field">
          <label htmlFor="audit-scope">Events of</label>
          <select id="audit-scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
            <option value="org">Organization {org}</option>
            <option value="installation">Installation (logins, users, throttled passwords)</option>
          </select>
        </div>
      )}
      <form
        className="card filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...draft, action: draft.action.trim(), actor: draft.actor.trim() });
        }}
      >
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="prefix, e.g. token.create" />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="username" />
        </div>
        <div className="field">
          <label htmlFor="audit-result">Result</label>
          <select id="audit-result" value={draft.result} onChange={(e) => setDraft({ ...draft, result: e.target.value as Filter['result'] })}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
            <option value="denied">Denied</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-limit">Show</label>
          <select id="audit-limit" value={draft.limit} onChange={(e) => setDraft({ ...draft, limit: Number(e.target.value) })}>
            {[50, 100, 200, 500].map((n) => (
              <option key={n} value={n}>
                {n} events
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button type="button" className="secondary" onClick={() => (setDraft(EMPTY), setFilter(EMPTY))}>
            Reset
          </button>
        </div>
      </form>
      {events.loading && <Loading label="Loading events…" />}
      <ErrorMessage error={events.error} title="Could not load the audit log" />
      {!events.loading && events.data && events.data.length === 0 && <EmptyState title="No events match these filters." />}
      {!events.loading && events.data && events.data.length > 0 && (
        <TableScroll label="Audit events">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Result</th>
                <th scope="col">IP</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((ev) => (
                <tr key={ev.id}>
                  <td>{formatDate(ev.createdAt)}</td>
                  <td>{ev.actor || 'anonymous'}</td>
                  <td className="mono">{ev.action}</td>
                  <td className="mono break">{ev.resource}</td>
                  <td>
                    <span className={`badge ${ev.result === 'success' ? 'badge-public' : 'badge-warn'}`}>{ev.result}</span>
                  </td>
                  <td className="mono">{ev.ip ?? '—'}</td>
                  <td className="break small">
                    <Details value={ev.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {!events.loading && rows.length > 0 && (
        <div className="actions">
          {hasOlder ? (
            <button type="button" className="secondary" onClick={loadOlder} disabled={olderLoading}>
              {olderLoading ? 'Loading older events…' : `Show ${filter.limit} older events`}
            </button>
          ) : (
            <p className="muted" role="status">
              {rows.length === 1 ? '1 event shown' : `${rows.length} events shown`}; there are no older events for these filters.
            </p>
          )}
        </div>
      )}
      <ErrorMessage error={olderError} title="Could not load older events" />
    </div>
  );
}
