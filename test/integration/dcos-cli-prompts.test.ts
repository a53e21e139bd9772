import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerFactories } from '../../src/controllers/index.ts';
import type { Operator } from '../../src/operator/operator.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient, kubeconfigPath } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { DCOS_BIN } from './support/dcos-cli.ts';

const API = 'dcos.dev/v1alpha1';

/** A real terminal: tmux runs the command in a pane; the test types into it and reads the screen. */
class TmuxPane {
  readonly session: string;
  constructor(session: string) {
    this.session = session;
  }
  start(command: string): void {
    execFileSync('tmux', ['new-session', '-d', '-s', this.session, '-x', '200', '-y', '50', `${command}; echo "exit=$?"; sleep 600`]);
  }
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.session, text, 'Enter']);
  }
  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.session, '-S', '-100'], { encoding: 'utf8' });
  }
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
    return eventually(() => {
      const text = this.screen();
      if (!pattern.test(text)) throw new Error(`waiting for ${pattern} on the screen:\n${text}`);
      return text;
    }, timeoutMs, 250);
  }
  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.session]);
    } catch {
      // already gone
    }
  }
}

describe('dcos package install / uninstall asks in a real terminal', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;
  const panes: TmuxPane[] = [];
  const pane = (name: string) => {
    const p = new TmuxPane(`${ns}-${name}`);
    panes.push(p);
    return p;
  };
  const command = (args: string) => `KUBECONFIG=${kubeconfigPath()} ${DCOS_BIN} -n ${ns} ${args}`;

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'dcos-prompts');
    operator = await startOperator(client, controllerFactories, { namespace: ns });
  });

  afterAll(async () => {
    for (const p of panes) p.kill();
    await operator?.stop();
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('shows the pre-install notes, asks again on a bad answer, installs on yes', async () => {
    const p = pane('install');
    p.start(command('package install hello-world'));
    const asked = await p.waitFor(/Continue installing\? \[yes\/no\]\s*$/m);
    expect(asked).toContain('hello-world runs two copies of a tiny HTTP server on port 5678.');
    p.type('maybe');
    await p.waitFor(/'maybe' is not a valid response\.\nContinue installing\? \[yes\/no\]\s*$/m);
    expect(await client.getOrUndefined(API, 'DcosPackage', 'hello-world', ns)).toBeUndefined();
    p.type('yes');
    const done = await p.waitFor(/^exit=0$/m);
    expect(done).toContain('Installing Marathon app for package [hello-world] version [1.0.0]');
    expect(done).toContain('Package [hello-world] version [1.0.0] installed');
    expect(done).toContain('hello-world is starting.');
  });

  it('keeps the package on no, uninstalls it on yes', async () => {
    const no = pane('keep');
    no.start(command('package uninstall hello-world'));
    await no.waitFor(/Continue uninstalling\? \[yes\/no\]\s*$/m);
    no.type('no');
    const kept = await no.waitFor(/^exit=1$/m);
    expect(kept).toContain('Error: Cancelled: nothing uninstalled.');
    expect(await client.getOrUndefined(API, 'DcosPackage', 'hello-world', ns)).toBeDefined();

    const yes = pane('remove');
    yes.start(command('package uninstall hello-world'));
    await yes.waitFor(/Uninstalling package \[hello-world\] \(app \/hello-world\).*Continue uninstalling\? \[yes\/no\]\s*$/ms);
    yes.type('yes');
    const removed = await yes.waitFor(/^exit=0$/m);
    expect(removed).toContain('Uninstalled package [hello-world] version [1.0.0] (app /hello-world)');
    await eventually(async () => expect(await client.getOrUndefined(API, 'DcosPackage', 'hello-world', ns)).toBeUndefined(), 60_000);
  });
});
