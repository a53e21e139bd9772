/** A failure of the local cluster that names the step that failed and how to fix it. */
export class ClusterError extends Error {
  readonly step: string;
  readonly fix: string;
  constructor(step: string, problem: string, fix: string) {
    super(`local cluster: ${step} failed: ${problem}\n  fix: ${fix}`);
    this.name = 'ClusterError';
    this.step = step;
    this.fix = fix;
  }
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).map((l) => '    ' + l).join('\n');
}
