import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../chaos/tcp-proxy.ts';

// The proxy the proxy-cut chaos scenario puts between the operator and the apiserver: what a cut
// does to connections is what the scenario's figures mean, so it is pinned here against an echo server.

let echo: Server;
let proxy: TcpProxy;
const sockets: Socket[] = [];

async function setup(): Promise<void> {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const address = echo.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: address.port });
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(proxy.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    sockets.push(s);
  });
}

const received = (s: Socket) => {
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
};

const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
};

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await proxy.close();
  await new Promise((r) => echo.close(r));
});

describe('the chaos TCP proxy', () => {
  it('forwards both ways until cut', async () => {
    await setup();
    const s = await open();
    const text = received(s);
    s.write('ping');
    await until(() => text() === 'ping');
  });

  it('holds an open connection while cut and delivers what waited once restored', async () => {
    await setup();
    const s = await open();
    const text = received(s);
    s.write('a');
    await until(() => text() === 'a');
    proxy.cut('hold');
    s.write('b');
    await new Promise((r) => setTimeout(r, 200));
    expect(text()).toBe('a');
    proxy.restore();
    await until(() => text() === 'ab');
  });

  it('holds a connection made during the cut and links it once restored', async () => {
    await setup();
    proxy.cut('hold');
    const s = await open();
    const text = received(s);
    s.write('late');
    await new Promise((r) => setTimeout(r, 200));
    expect(text()).toBe('');
    proxy.restore();
    await until(() => text() === 'late');
    expect(proxy.stats.held).toBe(1);
  });

  it('drops open connections and refuses new ones while cut', async () => {
    await setup();
    const s = await open();
    const closed = new Promise((r) => s.once('close', r));
    proxy.cut('drop');
    await closed;
    const t = connect(proxy.port, '127.0.0.1');
    sockets.push(t);
    t.on('error', () => undefined);
    await new Promise((r) => t.once('close', r));
    proxy.restore();
    const u = await open();
    const text = received(u);
    u.write('again');
    await until(() => text() === 'again');
    expect(proxy.stats.dropped).toBe(2);
  });
});
