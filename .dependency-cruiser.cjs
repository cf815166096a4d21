// The layering of docs/architecture.md ("Layers"), enforced by `npm run lint`: lower layers never
// import higher ones, and no two folders import each other, even through others. `import type`
// counts (tsPreCompilationDeps): a type-only import still ties the layers together.
// test/lint/boundaries.test.ts shows each rule failing on a deliberate bad import.

/** the foundation: plain data and pure rules, and two leaf helpers; they import nothing of Gatehouse */
const FOUNDATION = '^src/(domain/|clock\\.ts$|private-files\\.ts$)';
/** the protocol layer: the standards Gatehouse speaks, and the HTTP helpers they share */
const PROTOCOL = '^src/(oauth|oidc|resource|gate|http)/';
/** surfaces and the composition root (app.ts, services.ts, main.ts): what wires or faces users */
const ABOVE_PROTOCOL = '^src/(web|compat|admin[^/]*|cli)/|^src/(app|services|main)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'accounts-not-surfaces',
      comment: 'src/accounts/ (registration, verification, password reset) knows no HTTP: it never imports web/, compat/, admin*/, cli/ or the composition root',
      severity: 'error',
      from: { path: '^src/accounts/' },
      to: { path: ABOVE_PROTOCOL },
    },
    {
      name: 'domain-imports-nothing',
      comment: 'src/domain/ (and src/clock.ts, src/private-files.ts) import nothing of Gatehouse but domain/',
      severity: 'error',
      from: { path: FOUNDATION },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'store-imports-only-domain',
      comment: 'src/store/ imports only itself and the foundation: nothing above it knows SQL, and it knows nothing above it',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: `^src/store/|${FOUNDATION}` },
    },
    {
      name: 'crypto-not-store',
      comment: 'src/crypto/ works on keys and secrets, not on rows: it never imports src/store/',
      severity: 'error',
      from: { path: '^src/crypto/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'services-not-protocol',
      comment: 'the services (crypto/, limits/, tokens/, mail/) are below every endpoint family: they import no protocol, surface or composition code',
      severity: 'error',
      from: { path: '^src/(crypto|limits|tokens|mail)/' },
      to: { path: `${PROTOCOL}|${ABOVE_PROTOCOL}` },
    },
    {
      name: 'protocol-not-surfaces',
      comment:
        'protocol code (oauth/, oidc/, resource/, gate/, http/) never imports web/, compat/, admin*/, cli/ or the composition root; it declares the interfaces it needs and the root hands them over',
      severity: 'error',
      from: { path: PROTOCOL },
      to: { path: ABOVE_PROTOCOL },
    },
    {
      name: 'no-folder-cycles',
      comment: 'no two folders depend on each other, directly or through others',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
  },
};
