/** The JS/TS engine as the runner sees it: a light descriptor whose parser-heavy half loads lazily. */
import type { Engine } from '../core/types.js';
import { JS_EXTENSIONS } from './extensions.js';
import { jsPrefilter } from './prefilter.js';

export const jsEngine: Engine = {
  id: 'js',
  extensions: JS_EXTENSIONS,
  presets: [
    {
      name: 'motor',
      language: 'js',
      description: 'A Motor-style async wrapper (module `motor`, every --wrapper-module, and --wrapper spec files) onto mongodb 6/7.',
      modules: ['motor'],
    },
    {
      name: 'native',
      language: 'js',
      description: 'Code already on `mongodb`: reports legacy methods (toList, each, ...) still called on native handles.',
      modules: ['mongodb'],
    },
    // callbacks preset hook
    {
      name: 'mongodb-legacy',
      language: 'js',
      description: "`mongodb-legacy` (the callback bridge) onto mongodb 6/7: the import becomes 'mongodb' and callbacks become promises.",
      modules: ['mongodb-legacy'],
    },
    {
      name: 'mongodb-callbacks',
      language: 'js',
      description: 'Code written for mongodb 2.x-4.x (callbacks, insert/update/remove/count/findAndModify, fields, returnOriginal, old result shapes) onto mongodb 6/7.',
      modules: ['mongodb'],
    },
  ],
  prefilter: jsPrefilter,
  // The engine (and @babel/*) loads on the first file that needs a parse: `check` on a clean tree never pays for it.
  process: async (file, options) => (await import('./engine.js')).processJs(file, options),
};
