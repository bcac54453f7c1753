import { call } from '../../api/client';
import type { BodyOf, Schemas } from '../../../../../libs/api-client/src';

export type Upstream = Schemas['UpstreamDto'];
export type UpstreamInput = BodyOf<'/api/v1/orgs/{org}/upstreams/{type}', 'put'>;
export type UpstreamType = 'pypi' | 'npm' | 'docker';

export const upstreamsApi = {
  list: (org: string) => call('get', '/api/v1/orgs/{org}/upstreams', { org }),
  put: (org: string, type: UpstreamType, input: UpstreamInput) => call('put', '/api/v1/orgs/{org}/upstreams/{type}', { org, type }, { body: input }),
  remove: (org: string, type: UpstreamType) => call('delete', '/api/v1/orgs/{org}/upstreams/{type}', { org, type }),
  policy: (org: string) => call('get', '/api/v1/orgs/{org}/upstream-policy', { org }),
  setPolicy: (org: string, anonymousReads: boolean) => call('put', '/api/v1/orgs/{org}/upstream-policy', { org }, { body: { anonymousReads } }),
};

/** What the form starts from: the stored upstream, or a suggestion for a new one. */
export const SUGGESTED_URLS: Record<UpstreamType, string> = {
  pypi: 'https://pypi.org/simple',
  npm: 'https://registry.npmjs.org',
  docker: 'https://registry-1.docker.io',
};
