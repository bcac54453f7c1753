/**
 * Renders the simple repository API (PEP 503 HTML, PEP 691 JSON with the PEP 700 fields, PEP 592
 * yanked, PEP 658/714 core metadata). Pure: input is a plain view of the stored rows.
 */
export interface SimpleFileView {
  filename: string;
  /** Relative to the project page, e.g. `../../files/demo-pkg/demo_pkg-0.1.0-py3-none-any.whl`. */
  url: string;
  sha256: string;
  /** Unknown for some upstream files (a PEP 503 HTML upstream does not say). */
  size?: number;
  uploadTime?: Date;
  requiresPython: string | null;
  /** sha256 of the wheel's METADATA when it can be served, else null. */
  coreMetadataSha256: string | null;
  /** false, or the reason (possibly empty) the release was yanked. */
  yanked: false | string;
}

export interface SimpleProjectView {
  name: string;
  versions: string[];
  files: SimpleFileView[];
}

export const API_VERSION = '1.1';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The project list (`/simple/`); names are normalised, links relative (`name/`). */
export function renderProjectListHtml(names: string[]): string {
  const links = names.map((name) => `    <a href="${escapeHtml(encodeURIComponent(name))}/">${escapeHtml(name)}</a><br>`).join('\n');
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="${API_VERSION}">\n    <title>Simple index</title>\n  </head>\n  <body>\n${links}\n  </body>\n</html>\n`;
}

export function renderProjectListJson(names: string[]): string {
  return JSON.stringify({ meta: { 'api-version': API_VERSION }, projects: names.map((name) => ({ name })) });
}

export function renderProjectHtml(project: SimpleProjectView): string {
  const links = project.files
    .map((file) => {
      const attrs = [`href="${escapeHtml(`${file.url}#sha256=${file.sha256}`)}"`];
      if (file.requiresPython) attrs.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
      if (file.coreMetadataSha256) {
        attrs.push(`data-dist-info-metadata="sha256=${file.coreMetadataSha256}"`, `data-core-metadata="sha256=${file.coreMetadataSha256}"`);
      }
      if (file.yanked !== false) attrs.push(`data-yanked="${escapeHtml(file.yanked)}"`);
      return `    <a ${attrs.join(' ')}>${escapeHtml(file.filename)}</a><br>`;
    })
    .join('\n');
  const title = escapeHtml(project.name);
  return `<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="${API_VERSION}">\n    <title>Links for ${title}</title>\n  </head>\n  <body>\n    <h1>Links for ${title}</h1>\n${links}\n  </body>\n</html>\n`;
}

export function renderProjectJson(project: SimpleProjectView): string {
  return JSON.stringify({
    meta: { 'api-version': API_VERSION },
    name: project.name,
    versions: project.versions,
    files: project.files.map((file) => ({
      filename: file.filename,
      url: file.url,
      hashes: { sha256: file.sha256 },
      'requires-python': file.requiresPython ?? undefined,
      'core-metadata': file.coreMetadataSha256 ? { sha256: file.coreMetadataSha256 } : false,
      'dist-info-metadata': file.coreMetadataSha256 ? { sha256: file.coreMetadataSha256 } : false,
      yanked: file.yanked === false ? false : file.yanked === '' ? true : file.yanked,
      size: file.size,
      'upload-time': file.uploadTime?.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
    })),
  });
}
