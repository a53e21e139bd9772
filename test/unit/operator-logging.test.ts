import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger } from '../../src/operator/logger.ts';
import { examplesPath, findOnPath, tryHint } from '../../src/operator/try-hint.ts';

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('operator logs', () => {
  it('are readable lines at a terminal and JSON anywhere else, unless told', () => {
    expect(chooseLogFormat('auto', { isTTY: true })).toBe('pretty');
    expect(chooseLogFormat('auto', { isTTY: false })).toBe('json');
    expect(chooseLogFormat('auto', {})).toBe('json');
    expect(chooseLogFormat('json', { isTTY: true })).toBe('json');
    expect(chooseLogFormat('pretty', { isTTY: false })).toBe('pretty');
  });

  it('pretty: level, message and fields on one line, no JSON braces around the record', () => {
    const out = collect();
    createLogger('info', 'pretty', out.stream).info({ key: 'default/web', seconds: 0.25 }, 'reconciled');
    const line = out.text().trim();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: reconciled \{"key":"default\/web","seconds":0.25\}$/);
    expect(line).not.toContain('"msg"');
  });

  it('json: one parseable object per line, with the fields log collectors read', () => {
    const out = collect();
    createLogger('info', 'json', out.stream).info({ key: 'default/web' }, 'reconciled');
    const record = JSON.parse(out.text()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, msg: 'reconciled', key: 'default/web', app: 'dcos-operator' });
  });
});

describe('the "try:" hint after start on the local control plane', () => {
  it('is plain shell lines with the kubeconfig and the kubectl to run', () => {
    const lines = tryHint({ kubeconfig: '/repo/.cluster/kubeconfig', kubectl: '/cache/kubernetes-v1.36.3/bin/kubectl', examples: 'examples/' });
    expect(lines).toEqual([
      'try, in another shell:',
      '  export KUBECONFIG=/repo/.cluster/kubeconfig',
      '  /cache/kubernetes-v1.36.3/bin/kubectl apply -f examples/',
      '  /cache/kubernetes-v1.36.3/bin/kubectl get dcos -A',
    ]);
  });

  it('finds kubectl on PATH only where an executable one is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcos-path-'));
    expect(findOnPath('kubectl', { PATH: dir })).toBeUndefined();
    writeFileSync(join(dir, 'kubectl'), '#!/bin/sh\n');
    expect(findOnPath('kubectl', { PATH: dir })).toBeUndefined();
    chmodSync(join(dir, 'kubectl'), 0o755);
    expect(findOnPath('kubectl', { PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'kubectl'));
  });

  it('names the examples folder relative to the checkout, absolute from elsewhere', () => {
    expect(examplesPath('/repo/examples', '/repo')).toBe('examples/');
    expect(examplesPath('/repo/examples', '/home/me')).toBe('/repo/examples/');
  });
});
