// The shape of the code base, checked by dependency-cruiser inside `npm test`
// (test/architecture/boundaries.test.ts; docs/architecture.md "Layout and boundaries").
// Paths are relative to the repository root. Test files may import what they need; the rules
// hold for product code.
const { builtinModules } = require('node:module');

const TEST_FILE = '\\.test\\.tsx?$';
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (files) => `^(${files.map(esc).join('|')})$`;

// The pilot interface: the platform modules a pilot may import. platform/pilot.ts holds the
// contracts (Pilot, PilotContext); the others are pure modules with no state and no I/O, shared
// by platform and pilots alike.
const PILOT_INTERFACE = [
  'platform/pilot.ts',
  'platform/errors.ts', // the typed HTTP errors a pilot's routes throw
  'platform/api/validate.ts', // zod request parsing for a pilot's routes (imports errors.ts only)
  'platform/ids.ts', // id generation
  'platform/policy/role-names.ts', // the role names
  'platform/policy/roles.ts', // the permission table and `can` (pure)
  'platform/broker/topics.ts', // the device topic scheme (pure functions)
  'platform/keyed-queue.ts', // per-key serial queue (pure utility)
  'platform/safe-text.ts', // the safe-text schemas every label, name and note field uses (pure)
  'platform/contract.ts', // the platform's records as the API answers them (types and constants, pure)
  'platform/reading-data.ts', // a stored reading's payload apart from the platform's stamps (pure)
];

// The types PilotContext hands out are declared beside their services: a pilot may name them in
// type-only imports (erased at run time), never import the modules' code. These are exactly the
// modules platform/pilot.ts imports types from.
const CONTEXT_TYPES = [
  'platform/identity/devices.ts',
  'platform/logger.ts',
  'platform/events.ts',
  'platform/services/alarms.ts',
  'platform/services/audit-sink.ts',
  'platform/services/commands.ts',
  'platform/services/records.ts',
  'platform/services/series.ts',
  'platform/tenancy/context.ts',
  'platform/policy/agreements.ts',
];

// Known violations of the pilot rule, kept so that `npm test` fails on any new one; a fixed entry
// that is still listed fails the check too, so the list cannot go stale.
const KNOWN_VIOLATIONS = [
  // None: keep it that way.
].map(([from, to]) => ({ type: 'dependency', from, to, rule: { severity: 'error', name: 'pilot-uses-pilot-interface' } }));

// Node built-ins by every name they can be imported under.
const NODE_BUILTINS = `^(node:.*|${builtinModules.map(esc).join('|')})$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-knows-no-application',
      comment:
        'platform/ is the trusted PaaS: it must not depend on the pilots, the dashboard, the simulators, ' +
        'the validation catalogue, the scripts or the tests (adding a pilot must not touch platform/).',
      severity: 'error',
      from: { path: '^platform/', pathNot: TEST_FILE },
      to: { path: '^(pilots|dashboard|simulators|validation|scripts|bench|test)/' },
    },
    {
      name: 'pilot-uses-pilot-interface',
      comment:
        'A pilot reaches the platform only through the pilot interface (PILOT_INTERFACE in ' +
        '.dependency-cruiser.cjs), never platform internals. Type-only imports of the context types are allowed.',
      severity: 'error',
      from: { path: '^(test/)?pilots/', pathNot: `${TEST_FILE}|^pilots/[^/]+/testing\\.ts$` },
      to: { path: '^platform/', pathNot: anyOf(PILOT_INTERFACE), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pilot-types-from-pilot-interface',
      comment: 'A pilot may name in type-only imports the pilot interface and the types PilotContext hands out, nothing else.',
      severity: 'error',
      from: { path: '^(test/)?pilots/', pathNot: `${TEST_FILE}|^pilots/[^/]+/testing\\.ts$` },
      to: { path: '^platform/', pathNot: anyOf([...PILOT_INTERFACE, ...CONTEXT_TYPES]), dependencyTypes: ['type-only'] },
    },
    {
      name: 'product-code-imports-no-test',
      comment: 'test/ holds tests only; nothing outside it may depend on it (test files beside the code may).',
      severity: 'error',
      from: { pathNot: `^test/|${TEST_FILE}` },
      to: { path: '^test/' },
    },
    {
      name: 'dashboard-bundle-has-no-node-builtins',
      comment:
        'The dashboard runs in the browser: no module its code imports at run time (directly or through ' +
        'platform or pilot modules) may import a Node.js built-in. Type-only imports are erased and do not count.',
      severity: 'error',
      from: { path: '^dashboard/src/', pathNot: TEST_FILE },
      to: { path: NODE_BUILTINS, reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    // Marks type-only imports (see test/architecture/cruise.ts).
    exoticRequireStrings: ['typeOnly'],
    knownViolations: KNOWN_VIOLATIONS,
  },
};
