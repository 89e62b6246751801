/** What the light engine descriptor (./index.ts) and the engine itself (./engine.ts) share: id, extensions, presets, the scan's needles, the files it claims. */
import { presetsOf } from '../presets/index.js';
import { isPythonDependencyFile, isPythonLockfile } from './deps.js';
import { PYTHON_EXTENSIONS, PYTHON_NEEDLES } from './prefilter.js';

export const PYTHON_ENGINE_INFO = {
  id: 'python',
  extensions: PYTHON_EXTENSIONS,
  presets: presetsOf('python'),
  scanNeedles: (): readonly string[] => PYTHON_NEEDLES,
  /** requirements*.txt, pyproject.toml, setup.py/cfg, Pipfile and the lockfiles: their motor pins are migrated or reported. */
  claims: (rel: string): boolean => isPythonDependencyFile(rel) || isPythonLockfile(rel),
} as const;
