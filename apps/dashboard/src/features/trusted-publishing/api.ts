import { request } from '../../api/client';

export interface TrustedPublisher {
  id: string;
  name: string;
  issuer: string;
  audience: string;
  claims: Record<string, string>;
  roles: string[];
  packages: string[];
  tokenLifetimeSeconds: number;
  createdBy: string;
  createdAt: string;
}

export interface NewTrustedPublisher {
  name: string;
  issuer: string;
  audience?: string;
  claims: Record<string, string>;
  roles: string[];
  packages?: string[];
  tokenLifetimeSeconds?: number;
}

const path = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/trusted-publishers`;

export const publishersApi = {
  list: (org: string) => request<TrustedPublisher[]>('GET', path(org)),
  create: (org: string, input: NewTrustedPublisher) => request<TrustedPublisher>('POST', path(org), input),
  remove: (org: string, id: string) => request<void>('DELETE', `${path(org)}/${encodeURIComponent(id)}`),
};
