import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AcceptsLinkToken, CurrentPrincipal, Principal } from '@packgate/auth';
import { InvalidInputError, RegistryError, STALE_WARNING, normalizePypiName } from '@packgate/registries/core';
import { PypiExceptionFilter } from '../pypi-exception.filter';
import { negotiateSimpleFormat } from '../wire/negotiation';
import { PypiIndexService } from '../services/pypi-index.service';
import { renderProjectHtml, renderProjectJson, renderProjectListHtml, renderProjectListJson } from '../wire/simple-render';

/**
 * Simple repository API for pip: https://packaging.python.org/en/latest/specifications/simple-repository-api/
 * (PEP 503 HTML, PEP 691 JSON chosen by `Accept` or `?format=`, PEP 592 yanked, PEP 658/714 core
 * metadata, PEP 700 versions/size/upload-time).
 *
 * pip's real sequence for `pip install --index-url http://u:p@host/{org}/pypi/simple/ demo.pkg`:
 *   GET /{org}/pypi/simple/demo-pkg/   (normalised name, Basic sent up front when the URL has
 *       userinfo; Accept: application/vnd.pypi.simple.v1+json, …+html;q=0.1, text/html;q=0.01)
 *   GET /{org}/pypi/files/demo-pkg/<wheel>.metadata   (when core-metadata is advertised)
 *   GET /{org}/pypi/files/demo-pkg/<wheel>            (checked against #sha256 / hashes.sha256)
 * pip never reads /simple/ itself. A 401 here makes pip prompt or consult keyring and retry once;
 * a 404 becomes "from versions: none".
 */
@ApiExcludeController()
@UseFilters(PypiExceptionFilter)
@Controller(':org/pypi/simple')
export class PypiSimpleController {
  constructor(private readonly index: PypiIndexService) {}

  @AcceptsLinkToken()
  @Get()
  async projects(@Param('org') org: string, @Query('format') format: string | undefined, @Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!req.path.endsWith('/')) return redirect(res, `simple/${query(req)}`);
    const chosen = chooseFormat(req, format);
    const names = await this.index.projectNames(principal, org);
    send(res, chosen.contentType, principal, chosen.kind === 'json' ? renderProjectListJson(names) : renderProjectListHtml(names));
  }

  @AcceptsLinkToken()
  @Get(':project')
  async project(@Param('org') org: string, @Param('project') project: string, @Query('format') format: string | undefined, @Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal): Promise<void> {
    const normalized = normalizePypiName(project);
    const slash = req.path.endsWith('/');
    if (normalized !== project || !slash) return redirect(res, `${slash ? '../' : ''}${encodeURIComponent(normalized)}/${query(req)}`);
    const chosen = chooseFormat(req, format);
    const { view, stale } = await this.index.project(principal, org, normalized);
    if (stale) res.setHeader('Warning', STALE_WARNING);
    send(res, chosen.contentType, principal, chosen.kind === 'json' ? renderProjectJson(view) : renderProjectHtml(view));
  }
}

function chooseFormat(req: Request, format: string | undefined) {
  if (format !== undefined && typeof format !== 'string') throw new InvalidInputError('format must be given once');
  const chosen = negotiateSimpleFormat(req.headers.accept, format);
  if (!chosen) throw new RegistryError('Not Acceptable: this index serves application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html and text/html', 406, 'NOT_ACCEPTABLE');
  return chosen;
}

function send(res: Response, contentType: string, principal: Principal, body: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Vary', 'Accept, Authorization');
  res.setHeader('Cache-Control', principal.kind === 'anonymous' ? 'public, max-age=60' : 'private, max-age=0, must-revalidate');
  res.status(200).send(body);
}

function redirect(res: Response, location: string): void {
  res.setHeader('Location', location);
  res.status(301).type('text/plain').send(`Moved to ${location}\n`);
}

function query(req: Request): string {
  const index = req.originalUrl.indexOf('?');
  return index >= 0 ? req.originalUrl.slice(index) : '';
}
