/** A real SMTP server on 127.0.0.1 for tests (STARTTLS disabled: its bundled certificate expired). */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  port: number;
  url: string;
  messages: ParsedMail[];
  /** Refuse every message with a 451 while true (server reachable but failing). */
  failing: boolean;
  /** Resolves once `n` messages have been received (event-driven, no polling). */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** Listens on a free port the system picks (never a fixed or reused one). */
export async function startSmtp(): Promise<TestSmtp> {
  const state: { messages: ParsedMail[]; failing: boolean } = { messages: [], failing: false };
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const notify = () => {
    for (const w of waiters.splice(0)) (state.messages.length >= w.n ? w.resolve : () => waiters.push(w))();
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          if (state.failing) return callback(Object.assign(new Error('451 try again later'), { responseCode: 451 }));
          state.messages.push(m);
          callback();
          notify();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const p = (server.server.address() as AddressInfo).port;
  return {
    port: p,
    url: `smtp://127.0.0.1:${p}`,
    get messages() {
      return state.messages;
    },
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    waitFor: (n) =>
      new Promise<void>((resolve) => (state.messages.length >= n ? resolve() : waiters.push({ n, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
