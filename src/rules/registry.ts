/**
 * The rule registry: every rule id the tool can report, joined from the static tables beside the code that
 * reports it. Built at import time from those tables (no registration by side effect), so the CLI, pool workers
 * and the programmatic API all see the same metadata.
 */
import { CORE_RULES, type RuleMeta, type RuleTable } from '../core/rules.js';
import { MOTOR_RULES } from './motor.js';
import { CALLBACK_RULES } from './mongodb-callbacks.js';
import { PYTHON_RULES } from './motor-python.js';
import { CLIENT_RULES } from './clients.js';

const TABLES: readonly RuleTable[] = [CORE_RULES, MOTOR_RULES, CALLBACK_RULES, CLIENT_RULES, PYTHON_RULES];

const RULES: ReadonlyMap<string, RuleMeta> = new Map(TABLES.flatMap((t) => Object.entries(t)));

export function ruleMeta(id: string): RuleMeta | undefined {
  return RULES.get(id);
}

export function allRules(): ReadonlyMap<string, RuleMeta> {
  return RULES;
}
