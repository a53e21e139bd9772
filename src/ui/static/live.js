// The page's live connection: server-sent events read with fetch (EventSource cannot send the
// Authorization header a token-protected UI needs), reconnecting with backoff.
const TOKEN_KEY = 'dcos-ui-token';

export const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const setToken = (t) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY));

// Not Authorization: the apiserver's proxy drops it (it authenticated the user itself); this header
// passes through every way of reaching the UI (src/ui/ui-auth.ts).
function headers() {
  const t = token();
  return t ? { 'x-dcos-ui-token': t } : {};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * handlers: full(view), delta(change), denied(status, message), unavailable(message), state('live' | 'reconnecting').
 * Returns a function that closes the stream.
 */
export function openStream(topic, handlers) {
  const controller = new AbortController();
  let closed = false;
  let retry = 500;

  function dispatch(frame) {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (!data) return;
    const message = JSON.parse(data);
    if (event === 'full') handlers.full(message);
    else if (event === 'delta') handlers.delta(message);
  }

  async function run() {
    while (!closed) {
      try {
        const res = await fetch(`api/stream?topic=${encodeURIComponent(topic)}`, { headers: headers(), signal: controller.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          const body = await res.json().catch(() => ({}));
          handlers.denied(res.status, body.message ?? res.statusText);
          return;
        }
        if (res.status === 503) {
          const body = await res.json().catch(() => ({}));
          handlers.unavailable(body.message ?? 'not available on this replica');
          await sleep(5000);
          continue;
        }
        if (!res.ok || !res.body) throw new Error(`stream: ${res.status}`);
        handlers.state('live');
        retry = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (err) {
        if (closed) return;
        if (!(err instanceof TypeError) && !(err instanceof Error)) throw err;
      }
      if (closed) return;
      handlers.state('reconnecting');
      await sleep(retry);
      retry = Math.min(retry * 2, 10_000);
    }
  }
  run();
  return () => {
    closed = true;
    controller.abort();
  };
}
