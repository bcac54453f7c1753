import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  FetchedDocument,
  NotFoundError,
  PackageFile,
  UpstreamClient,
  UpstreamFileCache,
  UpstreamIntegrityError,
  UpstreamMetadataCache,
  UpstreamSettings,
} from '@packgate/registries/core';
import { compareVersions } from '../wire/pep440';
import { PYPI_OPTIONS, PypiOptions } from '../pypi-options';
import type { SimpleProjectView } from '../wire/simple-render';
import { UpstreamProject, UpstreamProjectFile, parseUpstreamProject, versionFromFilename } from './upstream-project';

const ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

export interface UpstreamProjectPage {
  project: UpstreamProject;
  /** Served from an expired copy because the upstream failed. */
  stale: boolean;
}

/**
 * PyPI through the org's upstream simple index: project pages fetched and cached for the TTL,
 * rendered with links to Packgate's own file URLs; files and PEP 658 metadata downloaded on first
 * request and checked against the sha256 the upstream page published.
 */
@Injectable()
export class PypiUpstreamService {
  constructor(
    private readonly client: UpstreamClient,
    private readonly documents: UpstreamMetadataCache,
    private readonly files: UpstreamFileCache,
    @Inject(PYPI_OPTIONS) private readonly options: PypiOptions,
  ) {}

  /** The upstream's page for a project; null when the upstream does not have it. */
  async page(settings: UpstreamSettings, normalizedName: string): Promise<UpstreamProjectPage | null> {
    const pageUrl = this.client.resolve(settings, `${encodeURIComponent(normalizedName)}/`);
    const cached = await this.documents.get(settings, `simple/${normalizedName}`, async (etag): Promise<FetchedDocument> => {
      const response = await this.client.fetchDocument(settings, pageUrl, { headers: { accept: ACCEPT, ...(etag ? { 'if-none-match': etag } : {}) } });
      if (response.status === 404 || response.status === 410) return { kind: 'missing' };
      if (response.status === 304) return { kind: 'not-modified' };
      const contentType = String(response.headers['content-type'] ?? 'text/html');
      // Relative links resolve against the page that answered, so keep its final URL with the body.
      return { kind: 'found', body: Buffer.concat([Buffer.from(`${response.url.toString()}\n`), response.body]), contentType, etag: typeof response.headers.etag === 'string' ? response.headers.etag : null };
    });
    if (!cached) return null;
    const newline = cached.body.indexOf(0x0a);
    const finalUrl = cached.body.subarray(0, newline).toString('utf8');
    let project: UpstreamProject;
    try {
      project = parseUpstreamProject(cached.body.subarray(newline + 1), cached.contentType, finalUrl, normalizedName);
    } catch {
      throw new UpstreamIntegrityError(settings.host, `the project page of ${normalizedName} is not a valid simple index page`);
    }
    return { project, stale: cached.stale };
  }

  /** The page as Packgate serves it: the upstream's files, linked to `../../files/…`. */
  view(project: UpstreamProject, normalizedName: string): SimpleProjectView {
    const versions = new Set(project.versions ?? []);
    for (const file of project.files) {
      const version = versionFromFilename(file.filename, normalizedName);
      if (version && !project.versions) versions.add(version);
    }
    return {
      name: normalizedName,
      versions: [...versions].sort(compareVersions),
      files: project.files.map((file) => ({
        filename: file.filename,
        url: `../../files/${encodeURIComponent(normalizedName)}/${encodeURIComponent(file.filename)}`,
        sha256: file.sha256,
        size: file.size,
        uploadTime: file.uploadTime,
        requiresPython: file.requiresPython,
        coreMetadataSha256: file.coreMetadataSha256,
        yanked: file.yanked,
      })),
    };
  }

  /** Downloads (once) and stores a file the upstream page lists; the stored row afterwards. */
  fetchFile(settings: UpstreamSettings, project: UpstreamProject, normalizedName: string, file: UpstreamProjectFile): Promise<PackageFile> {
    return this.files.fetch({
      settings,
      name: project.name,
      version: versionFromFilename(file.filename, normalizedName) ?? '0',
      filename: file.filename,
      url: file.url,
      expected: { algorithm: 'sha256', hex: file.sha256 },
      versionMetadata: { name: project.name },
      fileMetadata: {
        requiresPython: file.requiresPython,
        ...(file.coreMetadataSha256 ? { coreMetadataSha256: file.coreMetadataSha256 } : {}),
        filetype: file.filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist',
      },
      maxBytes: this.options.maxFileBytes,
    });
  }

  /** PEP 658 metadata of an upstream wheel not downloaded yet, checked against the page's hash. */
  async coreMetadata(settings: UpstreamSettings, normalizedName: string, file: UpstreamProjectFile): Promise<Buffer> {
    const expected = file.coreMetadataSha256;
    if (!expected) throw new NotFoundError(`Not Found: no metadata for ${file.filename}`);
    const document = await this.documents.get(settings, `core-metadata/${normalizedName}/${file.filename}`.slice(0, 255), async (): Promise<FetchedDocument> => {
      const response = await this.client.fetchDocument(settings, `${file.url}.metadata`, { accept: [200, 404, 410] });
      if (response.status !== 200) return { kind: 'missing' };
      if (createHash('sha256').update(response.body).digest('hex') !== expected) {
        throw new UpstreamIntegrityError(settings.host, `metadata of ${file.filename} does not match the sha256 the upstream published`);
      }
      return { kind: 'found', body: response.body, contentType: 'text/plain' };
    });
    if (!document) throw new NotFoundError(`Not Found: no metadata for ${file.filename}`);
    if (createHash('sha256').update(document.body).digest('hex') !== expected) throw new UpstreamIntegrityError(settings.host, `metadata of ${file.filename} changed upstream`);
    return document.body;
  }
}
