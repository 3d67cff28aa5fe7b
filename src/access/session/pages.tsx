/**
 * The sign-in pages, server-rendered with hono/jsx: the sign-in form (an API token, and the
 * identity provider when one is configured), the refusal pages, the account page (who you are
 * signed in as, until when, and sign-out) and the page that carries a browser on after the
 * identity provider (see sign-in.routes.tsx for why it is a page and not a redirect). No script.
 */
import type { ActiveSession } from './session-store.js';

function Page({ title, force, head, children }: { title: string; force: string; head?: unknown; children: unknown }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>
          {title} — {force}
        </title>
        <link rel="stylesheet" href="/assets/site.css" />
        {head}
      </head>
      <body>
        <p class="muted">{force} — mental-health demand and triage</p>
        <main>{children}</main>
      </body>
    </html>
  );
}

export const render = (page: unknown) => `<!doctype html>${String(page)}`;

export interface SignInView {
  force: string;
  next: string;
  formToken: string;
  providerName: string | null;
  message?: string | undefined;
  signedOut?: boolean | undefined;
}

export function SignInPage(v: SignInView) {
  return (
    <Page title="Sign in" force={v.force}>
      <h1>Sign in</h1>
      {v.signedOut ? (
        <div class="box done" role="status">
          <p>You have signed out.</p>
        </div>
      ) : null}
      {v.message ? (
        <div class="box refused" role="alert">
          <p>{v.message}</p>
        </div>
      ) : null}
      {v.providerName ? (
        <p>
          <a class="button" href={`/sign-in/oidc?next=${encodeURIComponent(v.next)}`}>
            Sign in with {v.providerName}
          </a>
        </p>
      ) : null}
      <form method="post" action="/sign-in" class="box">
        <input type="hidden" name="csrf" value={v.formToken} />
        <input type="hidden" name="next" value={v.next} />
        <label for="token">API token</label>
        <input type="password" id="token" name="token" required autocomplete="off" spellcheck={false} />
        <button type="submit">Sign in</button>
        <p class="muted">
          {v.providerName ? 'Or use' : 'Use'} your personal API token (<code>npm run token</code> issues one). It is
          exchanged for a session and not kept in the browser.
        </p>
      </form>
    </Page>
  );
}

export function RefusedPage({ force, title, message }: { force: string; title: string; message: string }) {
  return (
    <Page title={title} force={force}>
      <h1>{title}</h1>
      <div class="box refused" role="alert">
        <p>{message}</p>
      </div>
      <p>
        <a href="/sign-in">Back to sign-in</a>
      </p>
    </Page>
  );
}

const ROLE_LABELS: Record<string, string> = {
  call_handler: 'Call handler',
  dispatcher: 'Dispatcher',
  supervisor: 'Supervisor',
  officer: 'Officer',
  mh_lead: 'Mental-health lead',
  pcc_analyst: 'PCC analyst',
  auditor: 'Auditor',
  admin: 'Administrator',
};

export function AccountPage({ force, session, timeZone }: { force: string; session: ActiveSession; timeZone: string }) {
  const local = (iso: string) =>
    new Date(iso).toLocaleString('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Page title="Signed in" force={force}>
      <h1>Signed in</h1>
      <dl>
        <dt>Name</dt>
        <dd id="user-name">{session.user.name}</dd>
        <dt>Role</dt>
        <dd id="user-role">
          {ROLE_LABELS[session.user.role] ?? session.user.role} (<code>{session.user.role}</code>)
        </dd>
        <dt>Signed in with</dt>
        <dd>{session.method === 'oidc' ? 'the identity provider' : 'an API token'}</dd>
        <dt>Signed in at</dt>
        <dd>{local(session.signedInAt)}</dd>
        <dt>Session ends</dt>
        <dd>
          {local(session.endsAt)} unless you use it before then; at the latest {local(session.absoluteEndsAt)}
        </dd>
      </dl>
      <SignOutForm csrf={session.csrfToken} />
    </Page>
  );
}

export function SignOutForm({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/sign-out">
      <input type="hidden" name="csrf" value={csrf} />
      <button type="submit">Sign out</button>
    </form>
  );
}

/** Shown after the identity provider: a same-site page whose refresh carries the SameSite=Strict cookie on. */
export function ContinuePage({ force, next }: { force: string; next: string }) {
  return (
    <Page title="Signed in" force={force} head={<meta http-equiv="refresh" content={`0;url=${next}`} />}>
      <h1>Signed in</h1>
      <p>
        <a href={next}>Continue</a>
      </p>
    </Page>
  );
}
