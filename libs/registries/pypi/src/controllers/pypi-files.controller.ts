import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AcceptsLinkToken, CurrentPrincipal, Principal } from '@packgate/auth';
import { answerRedirect, sendBlobBody } from '@packgate/registries/core';
import { PypiExceptionFilter } from '../pypi-exception.filter';
import { parseRange } from '../wire/byte-range';
import { PypiFilesService } from '../services/pypi-files.service';

/**
 * Distribution downloads linked from the simple index (`../../files/{project}/{filename}`; pip takes
 * the filename from the last URL segment) and the PEP 658/714 `{filename}.metadata` companions.
 * pip sends the index credentials again here (same host), `Accept-Encoding: identity`, and verifies
 * the bytes against the index's sha256. Responses carry Content-Length, a strong ETag (the sha256),
 * Accept-Ranges and honour one `Range`.
 */
@ApiExcludeController()
@UseFilters(PypiExceptionFilter)
@Controller(':org/pypi/files')
export class PypiFilesController {
  constructor(private readonly files: PypiFilesService) {}

  @AcceptsLinkToken()
  @Get(':project/:filename')
  async download(@Param('org') org: string, @Param('project') project: string, @Param('filename') filename: string, @Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal): Promise<void> {
    const found = await this.files.find(principal, org, project, filename);
    res.setHeader('Cache-Control', found.private ? 'private, max-age=31536000, immutable' : 'public, max-age=31536000, immutable');
    if (found.kind === 'metadata') {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Length', found.body.length);
      res.status(200).end(req.method === 'HEAD' ? undefined : found.body);
      return;
    }
    const { file } = found;
    const etag = `"${file.blobDigest.replace(/^sha256:/, '')}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Last-Modified', file.createdAt.toUTCString());
    if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      res.status(304).end();
      return;
    }
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== etag ? ({ kind: 'full' } as const) : parseRange(req.headers.range, file.size);
    if (range.kind === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      res.statusMessage = 'Range Not Satisfiable';
      res.status(416).type('text/plain').send('Range Not Satisfiable\n');
      return;
    }
    const redirect = req.method === 'GET' ? await this.files.downloadUrl(file) : null;
    if (redirect) return answerRedirect(res, redirect);
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : file.size - 1;
    if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
    res.setHeader('Content-Length', end - start + 1);
    res.status(range.kind === 'partial' ? 206 : 200);
    if (req.method === 'HEAD' || file.size === 0) {
      res.end();
      return;
    }
    await sendBlobBody(res, await this.files.openBody(file, range.kind === 'partial' ? { start, end } : undefined));
  }
}
