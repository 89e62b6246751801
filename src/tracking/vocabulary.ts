/** The wrapper's vocabulary as the tracker reads it: the presets' names (Motor's, the native driver's) plus the aliases of --wrapper spec files. */
import type { HandleKind, Kind, Origin } from '../presets/kinds.js';
import { MOTOR_CLASSES, NATIVE_CLASSES, type MethodRule } from '../presets/motor.js';
import type { WrapperSpec, HandleKindName } from '../core/types.js';
import { clientOfOrigin, methodTableOf } from '../presets/index.js';

/** Vocabulary of the wrapper: Motor's names plus the aliases of --wrapper spec files. */
export class Vocabulary {
  private exportAliases = new Map<string, string>();
  private factories = new Map<string, { returns: HandleKind; async: boolean }>();
  private methodAliases = new Map<string, Map<string, string>>();

  constructor(specs: readonly WrapperSpec[]) {
    for (const spec of specs) {
      for (const [name, motorName] of Object.entries(spec.exports ?? {})) this.exportAliases.set(name, motorName);
      for (const [name, f] of Object.entries(spec.factories ?? {})) this.factories.set(name, { returns: f.returns as HandleKind, async: f.async ?? false });
      for (const [kind, map] of Object.entries(spec.methods ?? {}) as [HandleKindName, Record<string, string>][]) {
        let m = this.methodAliases.get(kind);
        if (!m) this.methodAliases.set(kind, (m = new Map()));
        for (const [name, motorName] of Object.entries(map)) m.set(name, motorName);
      }
    }
  }

  /** A spec factory (an exported function that returns a handle), if this export is one. */
  factory(name: string): { returns: HandleKind; async: boolean } | undefined {
    return this.factories.get(name);
  }

  /** The Motor name of a wrapper export. */
  canonicalExport(name: string): string {
    return this.exportAliases.get(name) ?? name;
  }

  exportKind(origin: Origin, name: string): Kind | undefined {
    const client = clientOfOrigin(origin);
    if (client) {
      // `import monk from 'monk'`: the module is the callable; `mongoskin.db(url)`: a member makes the db.
      if (name === 'default' && client.connect.call === 'module') return { t: 'module', origin };
      if (name === client.connect.call) return { t: 'factory', kind: 'db', async: false, origin };
      // `mongojs.ObjectId`: the client's ObjectId, callable without `new` (followed so that its calls get `new`).
      if (client.idHelpers.includes(name)) return { t: 'class', name, origin };
      return undefined;
    }
    if (origin === 'native') {
      const kind = NATIVE_CLASSES[name];
      return kind ? { t: 'ctor', kind, origin } : undefined;
    }
    const factory = this.factories.get(name);
    if (factory) return { t: 'factory', kind: factory.returns, async: factory.async, origin };
    const cls = MOTOR_CLASSES[this.canonicalExport(name)];
    if (cls?.kind) return { t: 'ctor', kind: cls.kind, origin };
    return undefined;
  }

  /** The Motor name of a wrapper method called on a handle of this kind. */
  canonicalMethod(origin: Origin, kind: HandleKind, name: string): string {
    if (origin !== 'wrapper') return name;
    return this.methodAliases.get(kind)?.get(name) ?? name;
  }

  /** A legacy client's module called as a function (`monk(url)`, `mongojs(conn)`): the db it makes. */
  moduleCall(origin: Origin): Kind | undefined {
    return clientOfOrigin(origin)?.connect.call === 'module' ? { t: 'handle', kind: 'db', origin } : undefined;
  }

  /** The preset's row for a method called on a handle of this kind (spec aliases resolved for the wrapper). */
  methodRule(origin: Origin, kind: HandleKind, name: string): MethodRule | undefined {
    const rules = methodTableOf(origin)?.[kind];
    const canonical = this.canonicalMethod(origin, kind, name);
    return rules && Object.prototype.hasOwnProperty.call(rules, canonical) ? rules[canonical] : undefined;
  }
}
