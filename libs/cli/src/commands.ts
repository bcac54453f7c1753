import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ArgSpec, type ArgValues, UsageError, parseArgs } from './args';
import { RestClient, connect } from './client';
import { type Env, type GlobalOptions, type LoadedConfig, loadConfig, resolveOrg, resolveUrl } from './config';
import * as configure from './configure';
import { type CliIo, readToken, writeSecretFile } from './io';
import { isoSeconds, parseWhen, relative } from './time';
import { TokenError, checkCondition, decode, derive, describeCaveat } from './token';

export const WARNING =
  'Tokens are passwords: anyone holding one acts as you. Prefer -f FILE over the terminal and shell history, a short expiry (-e) and a narrow scope (-r, -p, --actions read).';

const GLOBAL_HELP = `Global options (before or after the command):
  --url URL          server (else PACKGATE_URL, else "url" in the config file)
  --config FILE      config file (default ~/.config/packgate/config.json; PACKGATE_CONFIG)
  --username NAME    log in to the REST API as NAME (PACKGATE_USERNAME; password from PACKGATE_PASSWORD or a prompt)
  --auth-file FILE   authenticate to the REST API with the token (role api) in FILE (or PACKGATE_TOKEN)
  -q, --quiet        no warnings or notes on stderr`;

export const HELP: Record<string, string> = {
  main: `Usage: packgate <command> [options]

Commands:
  token create     create a root token through the REST API
  token derive     narrow a token offline (adds caveats; no network)
  token inspect    show a token's caveats in words; --check asks the server
  token list       list your root tokens (derived tokens are never known to the server)
  token delete     delete a root token (and so every token derived from it)
  token rotate     new secret for a root token (the old one and its derivatives die)
  configure pip|twine|npm|pnpm|yarn|docker   write a token into that client's config (mode 0600)

Run "packgate <command> --help" for details.

${GLOBAL_HELP}`,
  token: `Usage: packgate token <create|derive|inspect|list|delete|rotate> [options]

Run "packgate token <subcommand> --help" for details.`,
  create: `Usage: packgate token create -r ROLES [-o ORG] [-u USER] [-e EXPIRES] [-p PACKAGES] [--name N] [-f FILE]

Creates a root token through the REST API and prints it (or writes it to FILE, mode 0600).
  -r, --roles LIST     roles, comma-separated (api, feed, pypi:read, pypi:write, npm:read, ..., pypi:<pkg>:read)
  -o, --org ORG        org (else PACKGATE_ORG, config "org", "default")
  -u, --user USER      create the token for another member (org:admin only)
  -e, --expires WHEN   30m, 12h, 7d, an ISO date, or never (installation admins only); default one year
  -p, --packages LIST  also restrict to packages (type:glob, e.g. pypi:demo-*,npm:@acme/*) with a caveat
  --name NAME          token name (default cli-<date>)
  -f, --file FILE      write the token to FILE instead of stdout

${WARNING}

${GLOBAL_HELP}`,
  derive: `Usage: packgate token derive [-f FILE] [-e EXPIRES] [--not-before T] [-r ROLES] [-o ORGS] [-p PACKAGES] [--actions LIST] [--ip CIDRS] [--out FILE]

Offline: reads a token from -f FILE (or stdin), appends caveats and prints the narrower token. No
network, no key needed; a derived token can only do less than its parent. Lists are comma-separated.
  -f, --file FILE      read the parent token from FILE (- or absent: stdin); never from the command line
  -e, --expires WHEN   expires=<unix s>: 30m, 12h, 7d or an ISO date
  --not-before WHEN    not_before=<unix s>: not valid before (same syntax)
  -r, --roles LIST     roles=...: keep only these roles (never adds one the token lacks)
  -o, --orgs LIST      orgs=...: only these orgs
  -p, --packages LIST  packages=...: only these packages, type:glob (pypi:demo-*, npm:@acme/*, docker:default/api)
  --actions LIST       actions=...: read and/or write (read = a read-only token, usable as a link token)
  --ip LIST            ip=...: only from these CIDR ranges (10.0.0.0/8, 2001:db8::/32)
  --out FILE           write the new token to FILE (mode 0600) instead of stdout

${WARNING}`,
  inspect: `Usage: packgate token inspect [-f FILE] [--check] [--json]

Decodes a token (from -f FILE or stdin) offline and explains every caveat (relative times).
  -f, --file FILE   read the token from FILE (- or absent: stdin)
  --check           also ask the server (POST /api/v1/tokens/inspect) whether it is valid now and what it may do
  --json            machine-readable output

${GLOBAL_HELP}`,
  list: `Usage: packgate token list [-o ORG] [--all] [--json]

Lists root tokens (never secrets). Derived tokens are never listed: the server never saw them.
  -o, --org ORG   org
  --all           everyone's tokens (org:admin)
  --json          machine-readable output

${GLOBAL_HELP}`,
  delete: `Usage: packgate token delete [-o ORG] (ID | -f FILE)

Deletes a root token; it and every token derived from it stop working at once. Give the id, or a
file holding the token (or any token derived from it) to take the id from.

${GLOBAL_HELP}`,
  rotate: `Usage: packgate token rotate [-o ORG] (ID | -f FILE) [--out FILE]

New secret for a root token; the old secret and every token derived from it stop working at once.
With -f FILE the id is taken from the token in FILE and the new token is written back to FILE
(mode 0600); --out FILE writes it elsewhere; otherwise it is printed.

${WARNING}

${GLOBAL_HELP}`,
  configure: `Usage: packgate configure <pip|twine|npm|pnpm|yarn|docker> [-f FILE] [-o ORG] [--path CONFIG] [options]

Writes a token (from -f FILE or stdin) into the client's own config for this server and org, with
file mode 0600. The secret is never printed.
  pip      pip.conf [global] index-url (PIP_CONFIG_FILE, else ~/.config/pip/pip.conf); --extra: extra-index-url
  twine    ~/.pypirc repository (name "packgate", --name N): twine upload -r packgate dist/*
  npm      ~/.npmrc (NPM_CONFIG_USERCONFIG) //host/<org>/npm/:_authToken; --scope @acme maps a scope, --default sets registry
  pnpm     the same ~/.npmrc (pnpm ignores token placeholders in a project .npmrc)
  yarn     the same ~/.npmrc plus //host/<org>/npm/:always-auth=true (yarn 1; yarn 4 reads .yarnrc.yml)
  docker   containers auth.json (REGISTRY_AUTH_FILE, else ~/.config/containers/auth.json) for podman/skopeo/buildah
  -f, --file FILE   token file (- or absent: stdin)
  -o, --org ORG     org
  --path CONFIG     write this config file instead of the default one

${WARNING}

${GLOBAL_HELP}`,
};

const GLOBAL_OPTIONS: Record<string, string> = { '--url': 'url', '--config': 'config', '--username': 'username', '--auth-file': 'authFile' };
const GLOBAL_FLAGS = { '-q': 'quiet', '--quiet': 'quiet', '-h': 'help', '--help': 'help' };

function spec(options: Record<string, string> = {}, flags: Record<string, string> = {}, lists: string[] = []): ArgSpec {
  return { options: { ...GLOBAL_OPTIONS, ...options }, flags: { ...GLOBAL_FLAGS, ...flags }, lists };
}

const SPECS: Record<string, ArgSpec> = {
  create: spec({ '-r': 'roles', '--roles': 'roles', '-o': 'org', '--org': 'org', '-u': 'user', '--user': 'user', '-e': 'expires', '--expires': 'expires', '-p': 'packages', '--packages': 'packages', '--name': 'name', '-f': 'file', '--file': 'file' }, {}, ['roles', 'packages']),
  derive: spec(
    { '-f': 'file', '--file': 'file', '-e': 'expires', '--expires': 'expires', '--not-before': 'notBefore', '-r': 'roles', '--roles': 'roles', '-o': 'orgs', '--orgs': 'orgs', '-p': 'packages', '--packages': 'packages', '--actions': 'actions', '--ip': 'ip', '--out': 'out' },
    {},
    ['roles', 'orgs', 'packages', 'actions', 'ip'],
  ),
  inspect: spec({ '-f': 'file', '--file': 'file' }, { '--check': 'check', '--json': 'json' }),
  list: spec({ '-o': 'org', '--org': 'org' }, { '--all': 'all', '--json': 'json' }),
  delete: spec({ '-o': 'org', '--org': 'org', '-f': 'file', '--file': 'file' }),
  rotate: spec({ '-o': 'org', '--org': 'org', '-f': 'file', '--file': 'file', '--out': 'out' }),
  configure: spec({ '-f': 'file', '--file': 'file', '-o': 'org', '--org': 'org', '--path': 'path', '--scope': 'scope', '--name': 'name' }, { '--extra': 'extra', '--default': 'makeDefault' }),
};

/** The parsed options of one command (keys as in SPECS). */
interface Values extends GlobalOptions {
  quiet?: boolean;
  help?: boolean;
  roles?: string[];
  org?: string;
  orgs?: string[];
  user?: string;
  expires?: string;
  notBefore?: string;
  packages?: string[];
  actions?: string[];
  ip?: string[];
  name?: string;
  file?: string;
  out?: string;
  check?: boolean;
  json?: boolean;
  all?: boolean;
  path?: string;
  scope?: string;
  extra?: boolean;
  makeDefault?: boolean;
}

interface Context {
  values: Values;
  positional: string[];
  env: Env;
  io: CliIo;
  config: LoadedConfig;
}

type Command = (ctx: Context) => Promise<number | void>;

function note(ctx: Context, text: string): void {
  if (!ctx.values.quiet) ctx.io.stderr.write(`${text}\n`);
}

async function emitToken(ctx: Context, token: string, file: string | undefined): Promise<void> {
  if (file) {
    writeSecretFile(file, `${token}\n`);
    note(ctx, `Token written to ${file} (mode 0600).`);
  } else {
    ctx.io.stdout.write(`${token}\n`);
    note(ctx, `Warning: ${WARNING}`);
  }
}

async function rest(ctx: Context): Promise<RestClient> {
  return connect(ctx.values, ctx.env, ctx.config, ctx.io);
}

function expiryText(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const seconds = Math.floor(new Date(iso).getTime() / 1000);
  return `${isoSeconds(seconds)} (${relative(seconds)})`;
}

const COMMANDS: Record<string, Command> = {
  async create(ctx) {
    const { values } = ctx;
    if (!values.roles) throw new UsageError('give the token roles with -r (e.g. -r pypi:read or -r api,npm:write)');
    if (values.packages) checkCondition(`packages=${values.packages.join(',')}`);
    let expiresAt: string | undefined;
    if (values.expires !== undefined) {
      const at = parseWhen(values.expires);
      expiresAt = at === null ? 'never' : new Date(at * 1000).toISOString();
    }
    const org = resolveOrg(values.org, ctx.env, ctx.config);
    const client = await rest(ctx);
    const name = values.name || `cli-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
    const body = { name, roles: values.roles, ...(expiresAt !== undefined ? { expiresAt } : {}), ...(values.user ? { username: values.user } : {}) };
    const res = await client.call('post', '/api/v1/orgs/{org}/tokens', { org }, { body });
    let token = res.body.token;
    if (values.packages) token = derive(token, [`packages=${values.packages.join(',')}`]);
    note(ctx, `Created token ${res.body.id} "${res.body.name}" for ${res.body.username} in ${org}: roles ${res.body.roles.join(', ') || '(none)'}; expires ${expiryText(res.body.expiresAt)}${values.packages ? `; limited to packages ${values.packages.join(', ')}` : ''}.`);
    await emitToken(ctx, token, values.file);
  },

  async derive(ctx) {
    const { values } = ctx;
    const conditions: string[] = [];
    if (values.expires !== undefined) {
      const at = parseWhen(values.expires);
      if (at === null) throw new UsageError('-e never adds nothing: a derived token can only narrow');
      conditions.push(`expires=${at}`);
    }
    if (values.notBefore !== undefined) {
      const at = parseWhen(values.notBefore);
      if (at === null) throw new UsageError('--not-before needs a time');
      conditions.push(`not_before=${at}`);
    }
    if (values.roles) conditions.push(`roles=${values.roles.join(',')}`);
    if (values.orgs) conditions.push(`orgs=${values.orgs.join(',')}`);
    if (values.packages) conditions.push(`packages=${values.packages.join(',')}`);
    if (values.actions) conditions.push(`actions=${values.actions.join(',')}`);
    if (values.ip) conditions.push(`ip=${values.ip.join(',')}`);
    conditions.forEach(checkCondition);
    if (conditions.length === 0) throw new UsageError('nothing to add: give at least one of -e, --not-before, -r, -o, -p, --actions, --ip');
    const parent = await readToken(values.file, ctx.io);
    const token = derive(parent, conditions);
    for (const condition of conditions) note(ctx, `+ ${condition}  (${describeCaveat(condition)})`);
    await emitToken(ctx, token, values.out);
  },

  async inspect(ctx) {
    const { values } = ctx;
    const decoded = decode(await readToken(values.file, ctx.io));
    const caveats = decoded.caveats.map((condition) => ({ condition, meaning: describeCaveat(condition) }));
    let server;
    if (values.check) {
      const url = resolveUrl(values, ctx.env, ctx.config);
      server = (await new RestClient(url).call('post', '/api/v1/tokens/inspect', {}, { body: { token: decoded.token } })).body;
    }
    if (values.json) {
      ctx.io.stdout.write(`${JSON.stringify({ id: decoded.id, location: decoded.location, caveats, ...(server ? { server } : {}) }, null, 2)}\n`);
      return server && !server.valid ? 1 : 0;
    }
    const out = [`token id:  ${decoded.id}`, `location:  ${decoded.location || '-'}`];
    if (caveats.length === 0) out.push('caveats:   none (a root token as issued by the server)');
    else {
      out.push(`caveats:   ${caveats.length}`);
      const width = Math.min(48, Math.max(...caveats.map((c) => c.condition.length)));
      for (const c of caveats) out.push(`  ${c.condition.padEnd(width)}  ${c.meaning}`);
    }
    if (server) {
      out.push('server:');
      out.push(`  valid:     ${server.valid ? 'yes' : 'no'}${server.reason ? ` (${server.reason})` : ''}`);
      if (server.valid) {
        out.push(`  name:      ${server.name ?? '-'}`);
        out.push(`  owner:     ${server.owner} in org ${server.org}`);
        out.push(`  may use:   ${server.effectiveRoles?.length ? server.effectiveRoles.join(', ') : '(no roles)'}`);
        out.push(`  root token expires: ${expiryText(server.expiresAt)}`);
      }
    }
    ctx.io.stdout.write(`${out.join('\n')}\n`);
    return server && !server.valid ? 1 : 0;
  },

  async list(ctx) {
    const { values } = ctx;
    const org = resolveOrg(values.org, ctx.env, ctx.config);
    const client = await rest(ctx);
    const tokens = (await client.call('get', '/api/v1/orgs/{org}/tokens', { org }, { query: values.all ? { all: true } : {} })).body;
    if (values.json) {
      ctx.io.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      return 0;
    }
    if (tokens.length === 0) {
      ctx.io.stdout.write(`no tokens in ${org}\n`);
      return 0;
    }
    const rows = tokens.map((t) => [t.id, t.name, t.username, t.roles.join(','), expiryText(t.expiresAt), t.lastUsedAt ? relative(Math.floor(new Date(t.lastUsedAt).getTime() / 1000)) : 'never']);
    const head = ['ID', 'NAME', 'OWNER', 'ROLES', 'EXPIRES', 'LAST USED'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    ctx.io.stdout.write(`${[line(head), ...rows.map(line)].join('\n')}\n`);
    note(ctx, 'Derived tokens are not listed: the server never saw them. Deleting or rotating a root token kills its derivatives.');
    return 0;
  },

  async delete(ctx) {
    const { values } = ctx;
    const id = await tokenIdFrom(ctx);
    const org = resolveOrg(values.org, ctx.env, ctx.config);
    const client = await rest(ctx);
    await client.call('delete', '/api/v1/orgs/{org}/tokens/{id}', { org, id });
    note(ctx, `Deleted token ${id}; tokens derived from it are refused from now on.`);
  },

  async rotate(ctx) {
    const { values } = ctx;
    const id = await tokenIdFrom(ctx);
    const org = resolveOrg(values.org, ctx.env, ctx.config);
    const client = await rest(ctx);
    const res = await client.call('post', '/api/v1/orgs/{org}/tokens/{id}/rotate', { org, id });
    note(ctx, `Rotated token ${id}; the old secret and tokens derived from it are refused from now on.`);
    await emitToken(ctx, res.body.token, values.out || values.file);
  },

  async configure(ctx) {
    const { values, positional } = ctx;
    const client = positional[0];
    if (!isClient(client)) throw new UsageError('configure needs one of pip, twine, npm, pnpm, yarn, docker');
    const url = resolveUrl(values, ctx.env, ctx.config);
    const org = resolveOrg(values.org, ctx.env, ctx.config);
    const token = await readToken(values.file, ctx.io);
    decode(token);
    const result = configure[client]({ url, org, token, file: values.path, env: ctx.env, extra: values.extra, scope: values.scope, makeDefault: values.makeDefault, name: values.name });
    ctx.io.stdout.write(`Wrote ${result.summary} to ${result.file} (mode 0600).\nTry: ${result.hint}\n`);
    note(ctx, `Warning: ${result.file} now holds a secret. ${WARNING}`);
  },
};

async function tokenIdFrom(ctx: Context): Promise<string> {
  const { values, positional } = ctx;
  if (positional[0] && values.file) throw new UsageError('give either an id or -f FILE, not both');
  if (positional[0]) {
    if (positional[0].startsWith('pgt_')) throw new UsageError('do not put tokens on the command line; use -f FILE');
    return positional[0];
  }
  if (!values.file) throw new UsageError('give the token id, or -f FILE holding the token');
  return decode(await readToken(values.file, ctx.io)).id;
}

const CLIENTS = ['pip', 'twine', 'npm', 'pnpm', 'yarn', 'docker'] as const;
function isClient(name: string | undefined): name is (typeof CLIENTS)[number] {
  return (CLIENTS as readonly string[]).includes(name ?? '');
}

/** The version of the packgate package this CLI belongs to (found by walking up; works from src/ and dist/). */
function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'packgate') return pkg.version ?? '0.0.0';
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

/** Runs one invocation; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function run(argv: string[], { env = process.env as Env, io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr } as CliIo } = {}): Promise<number> {
  let helpKey = 'main';
  try {
    // Global options may come before the command word; they are handed on to the command's parser.
    const leading: string[] = [];
    let index = 0;
    while (index < argv.length && GLOBAL_OPTIONS[argv[index].split('=')[0]] !== undefined) {
      const takesNext = !argv[index].includes('=');
      leading.push(...argv.slice(index, index + (takesNext ? 2 : 1)));
      index += takesNext ? 2 : 1;
    }
    if (index > argv.length) throw new UsageError(`${argv[argv.length - 1]} needs a value`);
    if (argv[index] === '-q' || argv[index] === '--quiet') leading.push(argv[index++]);
    let command = argv[index];
    let rest = [...argv.slice(index + 1), ...leading];
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(`${HELP.main}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-V') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (command === 'token') {
      const sub = rest[0];
      if (sub === undefined || sub === '-h' || sub === '--help') {
        io.stdout.write(`${HELP.token}\n`);
        return sub === undefined ? 2 : 0;
      }
      if (!['create', 'derive', 'inspect', 'list', 'delete', 'rotate'].includes(sub)) throw new UsageError(`unknown token subcommand "${sub}"`);
      command = sub;
      rest = rest.slice(1);
    } else if (command !== 'configure') throw new UsageError(`unknown command "${command}"`);
    helpKey = command;
    const parsed = parseArgs(rest, SPECS[command]);
    const values = parsed.values as ArgValues & Values;
    const { positional } = parsed;
    if (values.help) {
      io.stdout.write(`${HELP[command]}\n`);
      return 0;
    }
    const maxPositional = command === 'configure' || command === 'delete' || command === 'rotate' ? 1 : 0;
    if (positional.some((p) => p.startsWith('pgt_'))) throw new UsageError('tokens never go on the command line (they end up in shell history and process lists); use -f FILE or stdin');
    if (positional.length > maxPositional) throw new UsageError(`unexpected argument "${positional[maxPositional]}"`);
    const config = loadConfig(values, env);
    const code = await COMMANDS[command]({ values, positional, env, io, config });
    return typeof code === 'number' ? code : 0;
  } catch (caught) {
    const error = caught as Error & { status?: number; code?: string };
    if (error instanceof UsageError) {
      io.stderr.write(`packgate: ${error.message}\nRun "packgate ${helpKey === 'main' ? '' : `${['configure'].includes(helpKey) ? '' : 'token '}${helpKey} `}--help" for usage.\n`);
      return 2;
    }
    if (error instanceof TokenError || error.status !== undefined || error.code === 'EACCES' || error.code === 'ENOENT') {
      io.stderr.write(`packgate: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`packgate: ${error && error.message ? error.message : String(error)}\n`);
    return 1;
  }
}
