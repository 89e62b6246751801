/**
 * The tracker's one walk over a file (`visit`, src/tracking/babel.ts). It records the imports of handle modules
 * (wrapper, driver, legacy clients: ImportSite) and of fastify mongo plugins, and gathers every node the rules and the
 * solver read later: calls, members, awaits, `new`s, loops, type references, declarators (Collected, which the rules
 * read too), functions and their returns, `this.x` and member assignments, class properties, classes, typed
 * parameters, the other import declarations and every identifier by name (Walk, the solver's alone). It resolves
 * nothing: the kinds are solved afterwards (src/tracking/solve.ts), so no later step walks the file again.
 */
import type { NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import { visit } from './babel.js';
import type { Origin } from '../presets/kinds.js';

export type ImportForm = 'esm' | 'require' | 'dynamic' | 'export-from' | 'export-all';

export interface ImportSite {
  form: ImportForm;
  origin: Origin;
  /** ImportDeclaration, the require/import() CallExpression, or the export declaration. */
  path: NodePath;
  source: t.StringLiteral;
  specifier: string;
}

/** fastify plugins that decorate the instance with `mongo` (`fastify.mongo.db`, `.client`). */
export const FASTIFY_MONGO_PLUGINS = ['@fastify/mongodb', 'fastify-mongodb'];

export interface Collected {
  imports: ImportSite[];
  calls: NodePath<t.CallExpression>[];
  members: NodePath<t.MemberExpression>[];
  awaits: NodePath<t.AwaitExpression>[];
  news: NodePath<t.NewExpression>[];
  whiles: NodePath<t.WhileStatement>[];
  typeRefs: NodePath<t.TSTypeReference>[];
  qualifiedNames: NodePath<t.TSQualifiedName>[];
  declarators: NodePath<t.VariableDeclarator>[];
}

/** What the walk gathers for the tracker's own modules (package-internal; the rules read Collected). */
export interface Walk {
  functions: NodePath<t.Function>[];
  /** The return statements of each function. */
  returns: Map<t.Function, NodePath<t.ReturnStatement>[]>;
  /** `this.x = ...` */
  thisAssignments: NodePath<t.AssignmentExpression>[];
  /** `a.b = ...` on anything but `this` (framework slot writes). */
  memberAssignments: NodePath<t.AssignmentExpression>[];
  classProps: NodePath<t.ClassProperty>[];
  classes: NodePath<t.Class>[];
  /** Parameters with a TypeScript annotation (identifiers, object patterns, the inner name of a parameter property). */
  typedParams: NodePath<t.Identifier>[];
  /** Every Identifier of the file by name, in document order (references in type positions included). */
  identifiers: Map<string, NodePath<t.Identifier>[]>;
  /** Every other import declaration, in document order: other files of the run (src/tracking/exports.ts seeds them). */
  localImports: NodePath<t.ImportDeclaration>[];
  /** fastify mongo plugins this file imports. */
  pluginImports: string[];
}

/** Walk the file once; `originOf` tells the handle modules (wrapper, driver, a legacy client) from the others. */
export function collect(ast: t.File, originOf: (spec: string) => Origin | undefined): { program: NodePath<t.Program>; collected: Collected; walk: Walk } {
  const c: Collected = { imports: [], calls: [], members: [], awaits: [], news: [], whiles: [], typeRefs: [], qualifiedNames: [], declarators: [] };
  const w: Walk = {
    functions: [],
    returns: new Map(),
    thisAssignments: [],
    memberAssignments: [],
    classProps: [],
    classes: [],
    typedParams: [],
    identifiers: new Map(),
    localImports: [],
    pluginImports: [],
  };
  const imports = c.imports;
  const program = visit(ast, {
    ImportDeclaration(path) {
      const origin = originOf(path.node.source.value);
      if (origin) imports.push({ form: 'esm', origin, path, source: path.node.source, specifier: path.node.source.value });
      else if (FASTIFY_MONGO_PLUGINS.includes(path.node.source.value)) w.pluginImports.push(path.node.source.value);
      else w.localImports.push(path);
    },
    ExportNamedDeclaration(path) {
      const src = path.node.source;
      const origin = src && originOf(src.value);
      if (src && origin) imports.push({ form: 'export-from', origin, path, source: src, specifier: src.value });
    },
    ExportAllDeclaration(path) {
      const src = path.node.source;
      const origin = originOf(src.value);
      if (origin) imports.push({ form: 'export-all', origin, path, source: src, specifier: src.value });
    },
    CallExpression(path) {
      c.calls.push(path);
      const node = path.node;
      const arg = node.arguments[0];
      if (arg?.type === 'StringLiteral' && node.arguments.length >= 1) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && !path.scope.hasBinding('require')) {
          const origin = originOf(arg.value);
          if (origin) imports.push({ form: 'require', origin, path, source: arg, specifier: arg.value });
          else if (FASTIFY_MONGO_PLUGINS.includes(arg.value)) w.pluginImports.push(arg.value);
        } else if (node.callee.type === 'Import') {
          const origin = originOf(arg.value);
          if (origin) imports.push({ form: 'dynamic', origin, path, source: arg, specifier: arg.value });
        }
      }
    },
    ImportExpression(path) {
      const src = path.node.source;
      if (src.type === 'StringLiteral') {
        const origin = originOf(src.value);
        if (origin) imports.push({ form: 'dynamic', origin, path, source: src, specifier: src.value });
      }
    },
    MemberExpression(path) {
      c.members.push(path);
    },
    OptionalMemberExpression(path) {
      c.members.push(path as unknown as NodePath<t.MemberExpression>);
    },
    OptionalCallExpression(path) {
      c.calls.push(path as unknown as NodePath<t.CallExpression>);
    },
    AwaitExpression(path) {
      c.awaits.push(path);
    },
    NewExpression(path) {
      c.news.push(path);
    },
    WhileStatement(path) {
      c.whiles.push(path);
    },
    TSTypeReference(path) {
      c.typeRefs.push(path);
    },
    TSQualifiedName(path) {
      c.qualifiedNames.push(path);
    },
    VariableDeclarator(path) {
      c.declarators.push(path);
    },
    Function(path) {
      w.functions.push(path);
      for (const param of path.get('params')) {
        const p = param.isAssignmentPattern() ? param.get('left') : param;
        if ((p.isIdentifier() || p.isObjectPattern()) && p.node.typeAnnotation) w.typedParams.push(p as NodePath<t.Identifier>);
        if (p.isTSParameterProperty()) {
          const inner = p.get('parameter');
          if (inner.isIdentifier() && inner.node.typeAnnotation) w.typedParams.push(inner);
        }
      }
    },
    ReturnStatement(path) {
      const fn = path.getFunctionParent();
      if (!fn) return;
      let list = w.returns.get(fn.node);
      if (!list) w.returns.set(fn.node, (list = []));
      list.push(path);
    },
    AssignmentExpression(path) {
      const left = path.node.left;
      if (left.type === 'MemberExpression' && left.object.type === 'ThisExpression') w.thisAssignments.push(path);
      else if (left.type === 'MemberExpression') w.memberAssignments.push(path);
    },
    ClassProperty(path) {
      w.classProps.push(path);
    },
    Class(path) {
      w.classes.push(path);
    },
    Identifier(path) {
      const list = w.identifiers.get(path.node.name);
      if (list) list.push(path);
      else w.identifiers.set(path.node.name, [path]);
    },
  });
  return { program, collected: c, walk: w };
}
