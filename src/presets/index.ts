/**
 * Every preset, in the order `presets` lists them: each preset file describes itself (name, language, what it
 * migrates, the modules it claims), and the engines, the CLI and the prefilters read this list instead of
 * restating it.
 */
import type { PresetInfo } from '../core/types.js';
import { MOTOR_METHODS, MOTOR_PRESET, NATIVE_MODULE, type MethodRule } from './motor.js';
import { NATIVE_METHODS, NATIVE_PRESET } from './native.js';
import type { HandleKind, Origin } from './kinds.js';
import { LEGACY_PRESET } from './mongodb-legacy.js';
import { CALLBACKS_PRESET } from './mongodb-callbacks.js';
import { MOTOR_PYTHON_PRESET } from './motor-python.js';
import type { ClientPreset } from './client.js';
import { MONK } from './monk.js';
import { MONGOJS } from './mongojs.js';
import { MONGOIST } from './mongoist.js';
import { MONGOSKIN } from './mongoskin.js';

/** The legacy JS clients described by a ClientPreset data file (src/presets/client.ts): adding one is adding it here. */
export const CLIENTS: readonly ClientPreset[] = [MONK, MONGOJS, MONGOIST, MONGOSKIN];

export const PRESETS: readonly PresetInfo[] = [MOTOR_PRESET, NATIVE_PRESET, LEGACY_PRESET, CALLBACKS_PRESET, ...CLIENTS.map((c) => c.info), MOTOR_PYTHON_PRESET];

/** The client a module specifier belongs to (the package or one of its subpaths), if it is one of CLIENTS. */
export function clientOfSpecifier(spec: string): ClientPreset | undefined {
  return CLIENTS.find((c) => spec === c.module || spec.startsWith(c.module + '/'));
}

/** The client presets a run applies (`auto`: all of them). */
export function clientsFor(preset: string): readonly ClientPreset[] {
  return preset === 'auto' ? CLIENTS : CLIENTS.filter((c) => c.info.name === preset);
}

/** The client of a tracked origin (the tracker's origin of a client handle is the preset's name). */
export function clientOfOrigin(origin: string): ClientPreset | undefined {
  return CLIENTS.find((c) => c.info.name === origin);
}

export function presetsOf(language: PresetInfo['language']): PresetInfo[] {
  return PRESETS.filter((p) => p.language === language);
}

/** The legacy JS modules the presets claim (every JS preset's modules but the native driver's, which has its own test). */
export const LEGACY_JS_MODULES: readonly string[] = [...new Set(presetsOf('js').flatMap((p) => p.modules))].filter((m) => m !== NATIVE_MODULE);

/** A preset's methods by handle kind, as the tracker reads them (what a call returns, and the row's verdict). */
export type MethodTable = Partial<Record<HandleKind, Record<string, MethodRule>>>;

const clientTables = new Map<ClientPreset, MethodTable>();

/** The method table of the preset a tracked origin belongs to: the Motor-style wrapper, the native driver, or a client. */
export function methodTableOf(origin: Origin): MethodTable | undefined {
  if (origin === 'wrapper') return MOTOR_METHODS;
  if (origin === 'native') return NATIVE_METHODS;
  const client = clientOfOrigin(origin);
  if (!client) return undefined;
  let table = clientTables.get(client);
  if (!table) {
    table = {};
    for (const [kind, rows] of Object.entries(client.methods) as [HandleKind, Record<string, { verdict: MethodRule['verdict']; returns?: HandleKind }>][]) {
      const out: Record<string, MethodRule> = {};
      for (const [name, row] of Object.entries(rows)) out[name] = { verdict: row.verdict, returns: row.returns };
      table[kind] = out;
    }
    clientTables.set(client, table);
  }
  return table;
}
