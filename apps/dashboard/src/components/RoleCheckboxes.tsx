import { useId } from 'react';
import type { Role } from '../api/types';

/**
 * Role pickers: one checkbox per role, labelled exactly by the role string (e.g. `pypi:read`),
 * with the role's description as its accessible description.
 */
export function RoleCheckboxes(props: { legend: string; roles: Role[]; selected: string[]; onChange: (roles: string[]) => void; disabled?: boolean }) {
  const baseId = useId();
  const standard = props.roles.filter((r) => r.kind !== 'package');
  const perPackage = props.roles.filter((r) => r.kind === 'package');
  const toggle = (name: string, on: boolean) => {
    const next = on ? [...props.selected, name] : props.selected.filter((r) => r !== name);
    props.onChange(Array.from(new Set(next)));
  };
  const group = (title: string, roles: Role[], key: string) =>
    roles.length > 0 && (
      <div className="role-group">
        <p className="role-group-title">{title}</p>
        <ul className="role-list">
          {roles.map((role, i) => {
            const id = `${baseId}-${key}-${i}`;
            return (
              <li key={role.name}>
                <input
                  id={id}
                  type="checkbox"
                  checked={props.selected.includes(role.name)}
                  onChange={(e) => toggle(role.name, e.target.checked)}
                  disabled={props.disabled}
                  aria-describedby={role.description ? `${id}-desc` : undefined}
                />
                <label htmlFor={id}>
                  <code>{role.name}</code>
                </label>
                {role.description && (
                  <span id={`${id}-desc`} className="hint">
                    {role.description}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    );
  return (
    <fieldset className="roles">
      <legend>{props.legend}</legend>
      {props.roles.length === 0 && <p className="muted">No roles available.</p>}
      {group('Organization and format roles', standard, 's')}
      {group('Package-level roles (packages in package mode)', perPackage, 'p')}
    </fieldset>
  );
}
