/** PORT, read once for the server and the CLIs that tell a newcomer where to open it. */
import { describe, expect, it } from 'vitest';
import { listenPort, localUrl } from '../../src/config/listen.js';

describe('PORT', () => {
  it('defaults to 3000, takes any port number (0 = any free port) and names a bad value', () => {
    expect(listenPort({})).toEqual({ port: 3000 });
    expect(listenPort({ PORT: '4321' })).toEqual({ port: 4321 });
    expect(listenPort({ PORT: '0' })).toEqual({ port: 0 });
    expect(listenPort({ PORT: 'http' })).toEqual({ error: "PORT must be a port number, not 'http'" });
    expect(listenPort({ PORT: '70000' })).toEqual({ error: "PORT must be a port number, not '70000'" });
    expect(localUrl(4321)).toBe('http://localhost:4321');
  });
});
