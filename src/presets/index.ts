/**
 * Every preset, in the order `presets` lists them: each preset file describes itself (name, language, what it
 * migrates, the modules it claims), and the engines, the CLI and the prefilters read this list instead of
 * restating it.
 */
import type { PresetInfo } from '../core/types.js';
import { MOTOR_PRESET, NATIVE_MODULE } from './motor.js';
import { NATIVE_PRESET } from './native.js';
import { LEGACY_PRESET } from './mongodb-legacy.js';
import { CALLBACKS_PRESET } from './mongodb-callbacks.js';
import { MOTOR_PYTHON_PRESET } from './motor-python.js';

export const PRESETS: readonly PresetInfo[] = [MOTOR_PRESET, NATIVE_PRESET, LEGACY_PRESET, CALLBACKS_PRESET, MOTOR_PYTHON_PRESET];

export function presetsOf(language: PresetInfo['language']): PresetInfo[] {
  return PRESETS.filter((p) => p.language === language);
}

/** The legacy JS modules the presets claim (every JS preset's modules but the native driver's, which has its own test). */
export const LEGACY_JS_MODULES: readonly string[] = [...new Set(presetsOf('js').flatMap((p) => p.modules))].filter((m) => m !== NATIVE_MODULE);
