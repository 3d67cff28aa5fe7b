/**
 * The real entry point as a newcomer runs it: `npm start` with DATABASE_PATH and PORT, migrations on
 * boot, a generated person-key secret with a warning, the token CLI, graceful SIGTERM, and a clear
 * refusal to start on bad configuration.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { tokenAuthenticator } from '../../src/auth/tokens.js';
import type { AddressObject } from 'mailparser';
import { partnerLink, readEml } from '../support/mail.js';
import { startServer } from '../support/server-process.js';
import { startSmtp } from '../support/smtp.js';

const dirs: string[] = [];
const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** This process's environment without `name` (so an ambient value cannot change what a test sees). */
const envWithout = (name: string) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== name));

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mh-server-'));
  dirs.push(d);
  return d;
};

function start(env: Record<string, string>) {
  const s = startServer(env);
  procs.push(s.child);
  return s;
}

function token(dbPath: string, name: string, role: string, ...more: string[]) {
  const args = ['--import', 'tsx', 'src/cli/token.ts', '--name', name, '--role', role, ...more];
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, DATABASE_PATH: dbPath },
    encoding: 'utf8',
  });
  return r;
}

describe('the server process', () => {
  it('starts on a fresh path, applies migrations, serves the API; the token CLI prints the token last', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'nested', 'triage.sqlite');
    const t = token(dbPath, 'A Handler', 'call_handler');
    expect(t.status).toBe(0);
    const tok = t.stdout.trim().split('\n').pop()!;
    expect(tok).toMatch(/^mht_[A-Za-z0-9_-]{40,}$/);
    const db = new Database(dbPath, { readonly: true });
    expect((db.prepare('SELECT token_hash FROM api_tokens').get() as { token_hash: string }).token_hash).not.toContain(
      tok.slice(4),
    );
    db.close();

    const s = start({ DATABASE_PATH: dbPath });
    const port = await s.ready;
    expect(s.output()).toContain('PERSON_KEY_SECRET is not set');
    expect(existsSync(`${dbPath}.person-key`)).toBe(true);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    const created = await fetch(`http://127.0.0.1:${port}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        receivedAt: new Date(Date.now() - 60_000).toISOString(),
        channel: '999',
        category: 'mhCrisisInPublic',
        mhFlagAtCall: true,
        subject: { identifiers: { name: 'Private Person', dateOfBirth: '1970-01-01' } },
      }),
    });
    expect(created.status).toBe(201);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('database closed');
    // Identifiers never reach the logs.
    expect(s.output()).not.toContain('Private Person');
  });

  it(
    "a newcomer's path: the demo CLI fills a fresh database, then the started server serves the evidence pack to " +
      'the printed PCC token',
    async () => {
      const dir = tempDir();
      const dbPath = join(dir, 'triage.sqlite');
      // A short, scaled-down year: the same code path as `npm run demo`, in seconds.
      const demo = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/demo.ts', '--from', '2025-04-01', '--days', '60', '--scale', '0.1'],
        {
          env: { ...envWithout('PORT'), DATABASE_PATH: dbPath },
          encoding: 'utf8',
        },
      );
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toContain('npm start, then open http://localhost:3000/reports'); // the default port
      const detentions = Number(/\((\d+) with a s\.136 detention, \d+ with a s\.135 warrant\)/.exec(demo.stdout)?.[1]);
      expect(detentions).toBeGreaterThan(0);
      const pcc = /PCC analyst \(suppressed figures, R44\): (\S+)/.exec(demo.stdout)![1]!;
      // Running it again adds nothing.
      const again = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts'], {
        env: { ...process.env, DATABASE_PATH: dbPath, PORT: '4321' },
        encoding: 'utf8',
      });
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('nothing added');
      // The page is where `npm start` with the same PORT will serve it.
      expect(again.stdout).toContain('npm start, then open http://localhost:4321/reports');
      expect(again.stdout).not.toContain(':3000');

      const s = start({ DATABASE_PATH: dbPath });
      const port = await s.ready;
      const pack = await fetch(`http://127.0.0.1:${port}/api/reports/evidence-pack?from=2025-04-01&to=2025-05-30`, {
        headers: { authorization: `Bearer ${pcc}` },
      });
      expect(pack.status).toBe(200);
      const html = await pack.text();
      expect(html).toContain('<svg');
      expect(html).toContain('s.136 detentions by first place of safety');
      expect(html).toMatch(/MH-related incidents<b data-unit="count">[1-9][\d,]*</);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    },
  );

  it('a second token for the same user works; a conflicting role is refused; an unknown role is refused', () => {
    const dbPath = join(tempDir(), 't.sqlite');
    expect(token(dbPath, 'Sgt Day', 'supervisor').status).toBe(0);
    expect(token(dbPath, 'Sgt Day', 'supervisor').status).toBe(0);
    const conflict = token(dbPath, 'Sgt Day', 'admin');
    expect(conflict.status).toBe(1);
    expect(conflict.stderr).toContain('already exists with role supervisor');
    expect(conflict.stderr).toContain('No token issued. To change the role, run again with --change-role.');
    expect(conflict.stdout).not.toMatch(/mht_/);
    const bad = token(dbPath, 'X', 'chief');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('call_handler');
  });

  it('the token CLI changes a role only with --change-role, says so, and the new token has the new role', () => {
    const dbPath = join(tempDir(), 't.sqlite');
    const first = token(dbPath, 'Sgt Day', 'supervisor');
    const oldToken = first.stdout.trim().split('\n').pop()!;
    const changed = token(dbPath, 'Sgt Day', 'admin', '--change-role');
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stderr).toContain("changed the role of 'Sgt Day' from supervisor to admin");
    expect(changed.stdout).toContain('user Sgt Day (admin)');
    const newToken = changed.stdout.trim().split('\n').pop()!;
    expect(newToken).toMatch(/^mht_/);
    const db = openDatabase(dbPath, { migrate: false });
    try {
      const who = tokenAuthenticator(db);
      expect(who(newToken)).toMatchObject({ name: 'Sgt Day', role: 'admin' });
      expect(who(oldToken)).toMatchObject({ name: 'Sgt Day', role: 'admin' }); // one user, one role
      expect(db.$client.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
    } finally {
      closeDatabase(db);
    }
    // Asking again for the role the user already has changes nothing and says nothing about roles.
    const same = token(dbPath, 'Sgt Day', 'admin', '--change-role');
    expect(same.status).toBe(0);
    expect(same.stderr).not.toContain('changed the role');
  });

  it('SIGTERM lets a request in flight finish before the database closes', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 't.sqlite');
    const tok = token(dbPath, 'A', 'call_handler').stdout.trim().split('\n').pop()!;
    const s = start({ DATABASE_PATH: dbPath });
    const port = await s.ready;
    // A request in flight when SIGTERM arrives: its headers reach the server (which answers "100 Continue", so it has
    // taken the request), then SIGTERM, then — once the server says it is shutting down — the body.
    const body = JSON.stringify({
      receivedAt: new Date(Date.now() - 60_000).toISOString(),
      channel: '101',
      category: 'other',
      mhFlagAtCall: false,
    });
    const { request } = await import('node:http');
    const result = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/incidents',
          method: 'POST',
          headers: {
            authorization: `Bearer ${tok}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            expect: '100-continue',
            // No idle keep-alive connection left behind to hold the shutdown until its timeout.
            connection: 'close',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        s.child.kill('SIGTERM');
        s.until('shutting down').then(() => req.end(body), reject);
      });
      req.flushHeaders();
    });
    expect(await result).toBe(201);
    expect(await s.exited).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n).toBe(1);
    db.close();
  });

  it(
    'with SMTP_URL, the running server emails a referral through its worker and answers the partner link itself ' +
      '(PUBLIC_BASE_URL)',
    async () => {
      const smtp = await startSmtp();
      try {
        const dir = tempDir();
        const dbPath = join(dir, 't.sqlite');
        const tok = token(dbPath, 'A Handler', 'call_handler').stdout.trim().split('\n').pop()!;
        // The address partners see (as behind a reverse proxy); the test reaches the same server on its own port.
        const publicBase = 'https://triage.kent.police.test';
        const s = start({
          DATABASE_PATH: dbPath,
          SMTP_URL: smtp.url,
          SMTP_IGNORE_TLS: '1',
          MAIL_FROM: 'mh-triage@kent.police.test',
          OUTBOX_INTERVAL_MS: '100',
          PUBLIC_BASE_URL: publicBase,
        });
        const base = `http://127.0.0.1:${await s.ready}`;
        expect(s.output()).toContain('REFERRAL_LINK_SECRET is not set');
        expect(existsSync(`${dbPath}.link-key`)).toBe(true);
        const api = async (method: string, path: string, body?: unknown, version?: number) => {
          const r = await fetch(`${base}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${tok}`,
              'content-type': 'application/json',
              ...(version ? { 'if-match': `"${version}"` } : {}),
            },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          return { status: r.status, body: (await r.json()) as any };
        };
        const now = () => new Date().toISOString();
        const created = await api('POST', '/api/incidents', {
          receivedAt: new Date(Date.now() - 60_000).toISOString(),
          reference: 'KENT-SRV-1',
          channel: '999',
          category: 'concernForWelfare',
          district: 'Maidstone',
          mhFlagAtCall: true,
        });
        const id = created.body.id as string;
        const steps = [
          {
            type: 'THRIVE_RECORDED',
            occurredAt: now(),
            threat: 'n',
            harm: 'n',
            risk: 'low',
            investigation: 'n',
            vulnerability: 'lives alone',
            engagement: 'n',
            rationale: 'welfare',
          },
          { type: 'GRADE_SET', occurredAt: now(), grade: 'G3' },
          {
            type: 'RCRP_DECISION_RECORDED',
            occurredAt: now(),
            crimeOccurring: false,
            riskToLife: false,
            riskOfSeriousHarm: false,
            decision: 'handover',
            rationale: 'health-led',
          },
          {
            type: 'REFERRAL_MADE',
            occurredAt: now(),
            referralId: 'r1',
            agency: 'kmptSpoa',
            contactMethod: 'secureEmail',
            namedContact: 'SPoA duty desk',
            riskSummary: 'not seen for 3 days',
          },
        ];
        let version = 1;
        for (const e of steps) {
          const r = await api('POST', `/api/incidents/${id}/events`, e, version);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          version = r.body.version;
        }
        await smtp.waitFor(1);
        const link = partnerLink(smtp.messages[0]!)!;
        expect(link).toMatch(/^https:\/\/triage\.kent\.police\.test\/partner\/referrals\/[A-Za-z0-9_.-]+$/);
        const page = await fetch(`${base}${new URL(link).pathname}`);
        expect(page.status).toBe(200);
        const answer = await fetch(`${base}${new URL(link).pathname}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'action=accept&respondent=J+Smith',
        });
        expect(answer.status).toBe(200);
        const got = await api('GET', `/api/incidents/${id}`);
        expect(got.body.referrals[0]).toMatchObject({ state: 'accepted', answeredVia: 'partner' });
        expect(got.body.timeline.map((e: { type: string }) => e.type)).toContain('REFERRAL_SENT');
        // The link (a capability) never reaches the logs: routes are logged by pattern (the request log
        // line is written after the answer, so wait for it to arrive).
        await s.until('/partner/referrals/:token');
        expect(s.output()).not.toContain(link.split('/').pop()!);
        s.child.kill('SIGTERM');
        expect(await s.exited).toBe(0);
      } finally {
        await smtp.close();
      }
    },
  );

  it('with MAIL_CAPTURE_DIR and no SMTP_URL (development), referral emails are written as .eml files', async () => {
    const dir = tempDir();
    const mailDir = join(dir, 'mail');
    mkdirSync(mailDir);
    const dbPath = join(dir, 't.sqlite');
    const tok = token(dbPath, 'A Handler', 'call_handler').stdout.trim().split('\n').pop()!;
    const s = start({
      DATABASE_PATH: dbPath,
      MAIL_CAPTURE_DIR: mailDir,
      OUTBOX_INTERVAL_MS: '100',
      SMTP_URL: '',
    });
    const port = await s.ready;
    expect(s.output()).toContain('development only; production must set SMTP_URL');
    const written = new Promise<string>((resolve) => {
      const w = watch(mailDir, (_e, name) => {
        if (name && String(name).endsWith('.eml')) {
          w.close();
          resolve(String(name));
        }
      });
    });
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
    const created = (await (
      await fetch(`${base}/api/incidents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          receivedAt: new Date(Date.now() - 60_000).toISOString(),
          channel: '101',
          category: 'concernForWelfare',
          mhFlagAtCall: true,
        }),
      })
    ).json()) as { id: string };
    const events = [
      {
        type: 'THRIVE_RECORDED',
        threat: 'n',
        harm: 'n',
        risk: 'low',
        investigation: 'n',
        vulnerability: 'n',
        engagement: 'n',
        rationale: 'welfare',
      },
      { type: 'GRADE_SET', grade: 'G3' },
      {
        type: 'RCRP_DECISION_RECORDED',
        crimeOccurring: false,
        riskToLife: false,
        riskOfSeriousHarm: false,
        decision: 'handover',
        rationale: 'health-led',
      },
      {
        type: 'REFERRAL_MADE',
        agency: 'kentAmhp',
        contactMethod: 'secureEmail',
        namedContact: 'AMHP duty',
        riskSummary: 'needs assessment',
      },
    ];
    for (const [i, e] of events.entries()) {
      const r = await fetch(`${base}/api/incidents/${created.id}/events`, {
        method: 'POST',
        headers: { ...headers, 'if-match': `"${i + 1}"` },
        body: JSON.stringify({ ...e, occurredAt: new Date().toISOString() }),
      });
      expect(r.status).toBe(200);
    }
    const name = await written;
    // Read as a mail client reads it (decoded), never by searching the raw quoted-printable MIME.
    const mail = await readEml(join(mailDir, name));
    expect((mail.to as AddressObject).text).toBe('kent-amhp.referrals@partners.example');
    expect(partnerLink(mail)).toMatch(new RegExp(`^http://localhost:${port}/partner/referrals/[A-Za-z0-9_.-]+$`));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('creates the database, its WAL and SHM files and the key files readable by their owner only', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'data', 'triage.sqlite');
    const s = start({ DATABASE_PATH: dbPath });
    await s.ready;
    const files = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}.person-key`, `${dbPath}.link-key`];
    const modes = Object.fromEntries(files.map((f) => [f.slice(dir.length), statSync(f).mode & 0o777]));
    expect(modes).toEqual(Object.fromEntries(files.map((f) => [f.slice(dir.length), 0o600])));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('refuses to start when an identity provider is configured and OIDC_CLIENT_SECRET is not set', async () => {
    const dir = tempDir();
    const cfg = join(dir, 'force.json');
    const base = JSON.parse(readFileSync('src/config/default-force.json', 'utf8'));
    base.signIn.oidc = {
      providerName: 'Force Entra ID',
      issuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
      clientId: '11111111-1111-1111-1111-111111111111',
      redirectUrl: 'https://triage.force.example/sign-in/oidc/callback',
      roleClaim: 'roles',
      roleMapping: [{ claimValue: 'MH.CallHandler', role: 'call_handler' }],
    };
    writeFileSync(cfg, JSON.stringify(base));
    const env = { DATABASE_PATH: join(dir, 't.sqlite'), FORCE_CONFIG: cfg };
    const s = start({ ...env, OIDC_CLIENT_SECRET: '' });
    await expect(s.ready).rejects.toThrow(/exited 1/);
    expect(s.output()).toContain('OIDC_CLIENT_SECRET is not set');
    // With the secret the server starts (discovery waits for the first sign-in, so no provider is needed here).
    const ok = start({ ...env, OIDC_CLIENT_SECRET: 'a-client-secret' });
    await ok.ready;
    ok.child.kill('SIGTERM');
    expect(await ok.exited).toBe(0);
  });

  it('refuses to start with an invalid force configuration, naming the field', async () => {
    const dir = tempDir();
    const cfg = join(dir, 'force.json');
    writeFileSync(cfg, JSON.stringify({ force: { name: 'X', code: 'X', timezone: 'Europe/London' } }));
    const s = start({ DATABASE_PATH: join(dir, 't.sqlite'), FORCE_CONFIG: cfg });
    await expect(s.ready).rejects.toThrow(/exited 1/);
    expect(s.output()).toContain('Invalid force configuration');
    expect(s.output()).toContain('grades');
    expect(s.output()).toContain('districts');
  });
});
