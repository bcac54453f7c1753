import { Controller, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Principal, requestMeta } from '@packgate/auth';
import { PypiExceptionFilter } from '../pypi-exception.filter';
import { PypiUploadService } from '../services/pypi-upload.service';

/**
 * The legacy upload API (https://docs.pypi.org/api/upload/, warehouse `forklift/legacy.py`) as
 * twine uses it: `POST /{org}/pypi/` (also `/{org}/pypi/legacy/`), `multipart/form-data` with the
 * core-metadata fields (name, version, filetype, pyversion, metadata_version, summary, …,
 * sha256_digest, md5_digest, blake2_256_digest, `:action=file_upload`, `protocol_version=1`) and
 * last the `content` file part; `Authorization: Basic` on every request (`__token__:<token>`,
 * `<token>:`, or `user:password`). twine counts any 2xx as success, does not follow redirects,
 * prints the reason phrase of errors, and with `--skip-existing` passes over a 409 or a 400 whose
 * reason says "already exist". The body is streamed, never buffered whole.
 */
@ApiExcludeController()
@UseFilters(PypiExceptionFilter)
@Controller(':org/pypi')
export class PypiUploadController {
  constructor(private readonly uploads: PypiUploadService) {}

  @Post(['', 'legacy'])
  @HttpCode(200)
  async upload(@Param('org') org: string, @Req() req: Request, @Res() res: Response, @CurrentPrincipal() principal: Principal): Promise<void> {
    const outcome = await this.uploads.upload(principal, org, req, requestMeta(req));
    res.status(200).type('text/plain; charset=utf-8').send(outcome.status === 'stored' ? `OK: stored ${outcome.filename}\n` : `OK: ${outcome.filename} was already uploaded with the same content\n`);
  }
}
