/**
 * Which DcosServices depend on an app, by namespace and app id: a dependency's status change asks
 * only its dependents to look again. Scanning every service on every status change cost
 * O(services) per event, O(services²) for a bulk apply of 10,000. Keys are `namespace/name`.
 */
export class DependentsIndex {
  private readonly byDependency = new Map<string, Set<string>>();
  private readonly dependenciesOf = new Map<string, string[]>();

  /** Records what `key` depends on now (resolved app ids), replacing what it depended on before. */
  set(key: string, namespace: string, dependencies: readonly string[]): void {
    this.remove(key);
    if (dependencies.length === 0) return;
    const slots = dependencies.map((id) => `${namespace}\u0000${id}`);
    for (const slot of slots) {
      let dependents = this.byDependency.get(slot);
      if (!dependents) this.byDependency.set(slot, (dependents = new Set()));
      dependents.add(key);
    }
    this.dependenciesOf.set(key, slots);
  }

  remove(key: string): void {
    for (const slot of this.dependenciesOf.get(key) ?? []) {
      const dependents = this.byDependency.get(slot);
      dependents?.delete(key);
      if (dependents?.size === 0) this.byDependency.delete(slot);
    }
    this.dependenciesOf.delete(key);
  }

  /** The services of `namespace` that depend on app `appId`. */
  dependentsOf(namespace: string, appId: string): string[] {
    return [...(this.byDependency.get(`${namespace}\u0000${appId}`) ?? [])];
  }
}
