/**
 * Rule ids of the legacy JS client presets (monk, mongojs, mongoist, mongoskin): the same set for each client,
 * `<client>/<what>`, built from the presets list so that a client added there has its rules.
 */
import type { RuleMeta, RuleTable } from '../core/rules.js';
import { CLIENTS } from '../presets/index.js';
import type { ClientPreset } from '../presets/client.js';

/** Findings that note a behaviour, not code left on the old client: they do not hold the dependency back. */
export const CLIENT_NOTES = new Set(['uri-scheme', 'dependency-held', 'write-concern', 'callback-result', 'test-mock']);

function rulesOf(c: ClientPreset): Record<string, RuleMeta> {
  const n = c.info.name;
  const rules: Record<string, RuleMeta> = {
    'legacy-import': {
      severity: 'error',
      description: `The file still imports '${c.module}'.`,
      help: `Run \`mongo-codemod run\`; migrate the sites the other ${n}/* findings list, then replace the import with 'mongodb' (MongoClient, ObjectId).`,
    },
    connect: { severity: 'error', description: `A ${n} connection that was not rewritten.`, help: c.connect.fix },
    call: { severity: 'error', description: `A call on a ${n} handle that was not rewritten.`, help: 'Rewrite it with the native form the finding names.' },
    'flagged-method': { severity: 'error', description: `A ${n} method that mongodb 6/7 does not have.`, help: 'Rewrite it by hand as the finding says.' },
    callback: {
      severity: 'error',
      description: `A ${n} call that passes a callback; mongodb 6/7 only returns promises (a callback would be ignored).`,
      help: 'Await the call in an async function (errors in try/catch), or use .then((res) => cb(null, res), cb).',
    },
    'result-shape': {
      severity: 'error',
      description: `A ${n} call rewritten to its native form whose result is read: the native result has another shape.`,
      help: 'Read the native result (the finding says which fields), or the input document.',
    },
    'callback-result': {
      severity: 'warning',
      description: `A ${n} call converted to its native form whose callback is passed on: that callback now receives the native result, of another shape.`,
      help: 'Check what the callback (and its callers) read of the result: matchedCount / modifiedCount / deletedCount instead of n / nModified.',
    },
    'test-mock': {
      severity: 'warning',
      description: `A test mocks the '${c.module}' module for the code it loads; migrated code requires 'mongodb', and the mock no longer applies.`,
      help: 'Mock the module that builds the MongoClient, or the native collection methods the code now calls.',
    },
    'insert-arity': {
      severity: 'error',
      description: 'insert() of a value not known to be one document or an array.',
      help: 'Use insertOne(doc) for one document or insertMany(docs) for a non-empty array.',
    },
    options: {
      severity: 'error',
      description: `Options of a ${n} call that cannot be read (not an object literal) or that mongodb 6/7 does not take.`,
      help: 'Pass native options: { projection } (an object, not a string), a sort object, no multi/single/replace/castIds.',
    },
    'collection-options': {
      severity: 'error',
      description: `Collection options given to ${n} when getting the collection; the native collection does not merge them into every call.`,
      help: 'Pass the options to each call.',
    },
    'untraced-call': {
      severity: 'warning',
      description: `A call named like a ${n} method on a receiver the codemod could not follow to ${c.module} (in a package that lists it); left unchanged.`,
      help: `If the receiver is a ${n} handle, rewrite the call with the native form the finding names (and make the handle traceable: import it from the module that creates it).`,
    },
    'uri-scheme': {
      severity: 'warning',
      description: `${n} accepted connection strings without a 'mongodb://' scheme; MongoClient does not.`,
      help: "Make sure the value starts with 'mongodb://' or 'mongodb+srv://'.",
    },
    'write-concern': {
      severity: 'info',
      description: `${n} forced { w: 1 } on every write; the rewritten client keeps it.`,
      help: 'Drop { writeConcern: { w: 1 } } to use the server default (w: majority) once that is intended.',
    },
    'dependency-held': { severity: 'warning', description: `'${c.module}' was kept in package.json: sites that use it remain.`, help: 'Migrate the flagged sites, then run again.' },
    dependency: { severity: 'info', description: `'${c.module}' was replaced by 'mongodb' in package.json.`, help: 'Run your package manager to refresh the lockfile.' },
    'stale-lockfile': { severity: 'warning', description: `The lockfile still pins '${c.module}'; it was not edited.`, help: 'Run `npm install` (or your package manager) to refresh the lockfile.' },
    'legacy-dependency': { severity: 'error', description: `package.json still lists '${c.module}'.`, help: "Run `mongo-codemod run`, or replace the dependency with 'mongodb' by hand." },
  };
  if (n === 'monk')
    rules['cast-ids'] = {
      severity: 'error',
      description: 'monk cast string _ids to ObjectId (any depth, $in/$nin/$ne too); this value may be such a string.',
      help: 'Wrap the value in new ObjectId(...) if it is a 24-hex string id.',
    };
  return Object.fromEntries(Object.entries(rules).map(([k, v]) => [`${n}/${k}`, v]));
}

export const CLIENT_RULES: RuleTable = Object.assign({}, ...CLIENTS.map(rulesOf));
