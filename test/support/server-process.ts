/**
 * The real entry point (`npm start`, src/server.ts) as a child process, for tests that need the
 * whole process: on PORT=0 by default (a free port the system picks, so nothing can collide), with
 * every wait tied to the process's own output rather than to time. `ready` resolves with the port the
 * server reports in its JSON "serving on" log line (needs LOG_LEVEL info, the default here).
 */
import { spawn } from 'node:child_process';

export function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d;
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // 'close', not 'exit': it comes after the process's last output has been read.
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  /** Resolves once `test()` holds, checked whenever output arrives; rejects if the process exits first. */
  const until = (test: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const gone = () => reject(new Error(`server exited ${child.exitCode}: ${out}`));
      const check = () => (test() ? resolve() : waiters.push(check));
      child.once('close', gone);
      check();
      if (closed) gone();
    });
  const serving = () =>
    out
      .split('\n')
      .slice(0, -1) // complete lines only
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; port?: number })
      .find((l) => l.msg?.startsWith('serving on'));
  const ready = until(() => serving() !== undefined).then(() => serving()!.port!);
  return {
    child,
    /** The port the server listens on, once it serves. */
    ready,
    exited,
    output: () => out,
    /** Resolves once the output contains `text`. */
    until: (text: string) => until(() => out.includes(text)),
  };
}
