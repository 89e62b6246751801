/** Loading and validating --wrapper spec files (the declarative description of an in-house wrapper). */
import fs from 'node:fs';
import path from 'node:path';
import type { WrapperSpec } from '../core/types.js';
import { ConfigError } from '../core/errors.js';
import { HANDLE_KINDS } from './kinds.js';
import { MOTOR_CLASSES } from './motor.js';

export { ConfigError };

const KEYS = new Set(['$schema', 'name', 'modules', 'exports', 'factories', 'methods']);

export function loadWrapperSpec(file: string, cwd: string): WrapperSpec {
  const abs = path.resolve(cwd, file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(abs, 'utf8'));
  } catch (err) {
    throw new ConfigError(`--wrapper ${file}: ${(err as Error).message}`);
  }
  const where = `--wrapper ${file}`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where}: the spec must be a JSON object`);
  const spec = raw as Record<string, unknown>;
  for (const k of Object.keys(spec)) if (!KEYS.has(k)) throw new ConfigError(`${where}: unknown key '${k}' (allowed: ${[...KEYS].join(', ')})`);
  if (!Array.isArray(spec.modules) || spec.modules.length === 0 || !spec.modules.every((m) => typeof m === 'string'))
    throw new ConfigError(`${where}: 'modules' must be a non-empty array of module specifiers`);
  const dir = path.dirname(abs);
  const modules = (spec.modules as string[]).map((m) => (m.startsWith('.') ? path.resolve(dir, m) : m));
  const exportsMap = (spec.exports ?? {}) as Record<string, unknown>;
  for (const [name, motorName] of Object.entries(exportsMap)) {
    if (typeof motorName !== 'string' || !(motorName in MOTOR_CLASSES)) throw new ConfigError(`${where}: exports.${name} must name a Motor class (${Object.keys(MOTOR_CLASSES).join(', ')})`);
  }
  const factories = (spec.factories ?? {}) as Record<string, { returns?: unknown; async?: unknown }>;
  for (const [name, f] of Object.entries(factories)) {
    if (!f || typeof f !== 'object' || !HANDLE_KINDS.includes(f.returns as never)) throw new ConfigError(`${where}: factories.${name}.returns must be one of ${HANDLE_KINDS.join(', ')}`);
  }
  const methods = (spec.methods ?? {}) as Record<string, Record<string, unknown>>;
  for (const [kind, map] of Object.entries(methods)) {
    if (!HANDLE_KINDS.includes(kind as never)) throw new ConfigError(`${where}: methods.${kind}: unknown handle kind (use ${HANDLE_KINDS.join(', ')})`);
    for (const [name, target] of Object.entries(map)) {
      if (typeof target !== 'string') throw new ConfigError(`${where}: methods.${kind}.${name} must be the Motor method name (a string)`);
    }
  }
  return {
    name: typeof spec.name === 'string' ? spec.name : path.basename(file),
    modules,
    exports: exportsMap as Record<string, string>,
    factories: factories as WrapperSpec['factories'],
    methods: methods as WrapperSpec['methods'],
  };
}
