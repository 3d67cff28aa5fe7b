/**
 * A Server-Sent Events client for tests, over real HTTP (fetch): it reads the stream as a browser's
 * EventSource does (frames split by a blank line; `id:`, `event:`, `data:` fields; `:` comments) and
 * lets a test wait for the next frame, or for one that matches. No timers: a frame that never comes
 * fails the test by vitest's own timeout.
 */
export interface SseFrame {
  id: string | null;
  event: string;
  data: any;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** The next frame (in order), skipping comments. */
  next(): Promise<SseFrame>;
  /** The next frame for which `match` holds; frames before it are dropped. */
  nextWhere(match: (f: SseFrame) => boolean): Promise<SseFrame>;
  /** The next comment line (e.g. `keep-alive`). */
  nextComment(): Promise<string>;
  /** Resolves when the server ends the stream. */
  ended(): Promise<void>;
  close(): void;
}

type Item = { kind: 'frame'; frame: SseFrame } | { kind: 'comment'; text: string } | { kind: 'end' };

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const items: Item[] = [];
  const waiters: Array<() => void> = [];
  const push = (i: Item) => {
    items.push(i);
    for (const w of waiters.splice(0)) w();
  };
  if (res.body) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            parseBlock(buffer.slice(0, cut), push);
            buffer = buffer.slice(cut + 2);
            cut = buffer.indexOf('\n\n');
          }
        }
      } catch {
        /* aborted by close() */
      }
      push({ kind: 'end' });
    })();
  } else push({ kind: 'end' });

  async function take<T>(pick: (i: Item) => T | null): Promise<T> {
    for (;;) {
      while (items.length > 0) {
        const i = items.shift()!;
        const got = pick(i);
        if (got !== null) return got;
        if (i.kind === 'end') throw new Error('the stream ended');
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  }

  return {
    status: res.status,
    headers: res.headers,
    next: () => take((i) => (i.kind === 'frame' ? i.frame : null)),
    nextWhere: (match) => take((i) => (i.kind === 'frame' && match(i.frame) ? i.frame : null)),
    nextComment: () => take((i) => (i.kind === 'comment' ? i.text : null)),
    ended: () => take((i) => (i.kind === 'end' ? undefined : null)),
    close: () => abort.abort(),
  };
}

function parseBlock(block: string, push: (i: Item) => void): void {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) push({ kind: 'comment', text: line.slice(1).trim() });
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) push({ kind: 'frame', frame: { id, event, data: JSON.parse(data.join('\n')) } });
}
