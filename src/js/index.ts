/** The JS/TS engine as the runner sees it: a light descriptor whose parser-heavy half loads lazily. */
import type { Engine } from '../core/types.js';
import { JS_EXTENSIONS } from './extensions.js';
import { packageCandidates, jsPrefilter, jsScanNeedles } from './prefilter.js';
import { presetsOf } from '../presets/index.js';

export const jsEngine: Engine = {
  id: 'js',
  extensions: JS_EXTENSIONS,
  presets: presetsOf('js'),
  prefilter: jsPrefilter,
  // The engine (and @babel/*) loads on the first file that needs a parse: `check` on a clean tree never pays for it.
  process: async (file, options) => (await import('./engine.js')).processJs(file, options),
  scanNeedles: jsScanNeedles,
  alwaysCandidates: packageCandidates,
  /** CoffeeScript is not parsed: its files are read only to report the legacy clients they require (never silent). */
  claims: (rel) => COFFEE.test(rel),
};

export const COFFEE = /\.(?:coffee|litcoffee|cjsx)$/i;
