/**
 * Test mocks of a legacy client's module: `SandboxedModule.require(path, { requires: { mongojs: fake } })`,
 * `proxyquire('./repo', { monk: fake })`, `jest.mock('mongojs')`, `mockery.registerMock('mongoskin', fake)`. Once
 * the code under test requires mongodb instead, such a mock no longer applies and the test talks to a real server
 * (or fails): each is reported, with the fix. A note only: it needs no package and holds nothing back.
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { clientRule } from '../../presets/client.js';
import { propertyKey } from '../../tracking/ast.js';
import { untracedClients } from './untraced.js';

/** Calls that install module mocks (by their callee's text). */
const MOCKER = /(?:proxyquire|sandboxed|mock|rewire)/i;

export function reportClientMocks(ctx: RuleContext, absPath: string): void {
  const clients = untracedClients(ctx.options, absPath);
  if (!clients.length) return;
  for (const call of ctx.tracker.collected.calls) {
    const callee = call.node.callee;
    if (callee.type !== 'Identifier' && callee.type !== 'MemberExpression') continue;
    if (!MOCKER.test(ctx.slice(callee))) continue;
    const hits: t.Node[] = [];
    const first = call.node.arguments[0];
    for (const c of clients) {
      if (first?.type === 'StringLiteral' && first.value === c.module) hits.push(first);
      for (const a of call.get('arguments') as NodePath[]) if (a.isObjectExpression()) keysNamed(a.node, c.module, hits, 0);
      for (const node of hits.splice(0))
        ctx.report(
          clientRule(c, 'test-mock'),
          node,
          `This test mocks '${c.module}' for the code it loads; once that code is migrated it requires 'mongodb' instead, and the mock no longer applies.`,
          `Mock what the code now uses: the module that builds the MongoClient, or the collections' native methods (${c.info.name === 'mongojs' || c.info.name === 'mongoskin' ? 'the calls return promises now, no callbacks' : 'insertOne, updateOne, deleteMany, find().toArray()'}).`,
        );
    }
  }
}

/**
 * Properties keyed by the module's name in a map of module mocks (proxyquire's stubs), or in its `requires` map
 * (SandboxedModule's options); never inside a mocked module's own contents.
 */
function keysNamed(obj: t.ObjectExpression, name: string, out: t.Node[], depth: number): void {
  for (const p of obj.properties) {
    if (p.type !== 'ObjectProperty' || p.computed) continue;
    const key = propertyKey(p);
    if (key === name) out.push(p.key);
    else if (key === 'requires' && depth === 0 && p.value.type === 'ObjectExpression') keysNamed(p.value, name, out, 1);
  }
}
