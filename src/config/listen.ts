/**
 * Where the server listens, from the environment: one reading of PORT for the server and for the
 * CLIs that tell a newcomer where to open it (so `npm run demo` never names a port the server is not
 * on). The server listens on every interface; localhost reaches it from the same machine.
 */
export const DEFAULT_PORT = 3000;

/** The port PORT asks for (0 = any free port), or a message saying what is wrong with it. */
export function listenPort(env: NodeJS.ProcessEnv): { port: number } | { error: string } {
  const port = Number(env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return { error: `PORT must be a port number, not '${env.PORT}'` };
  return { port };
}

/** The address to open on this machine for a server on `port`. */
export const localUrl = (port: number) => `http://localhost:${port}`;
