// Import-graph rules, checked by `npm test` (tests/unit/import-graph.test.ts) and by
// `npm run check:imports` (the dependency-cruiser CLI).
//
// Every path below is relative to the cruise's base directory (the repo root; the test's fixture
// tree under tests/fixtures/import-graph/ is cruised with that folder as base), so the
// patterns are anchored on `^client/`, `^shared/`, `^server/`.

// ---------------------------------------------------------------------------------------------------
// The client's layers, lowest first. A client folder may import its own folder and the folders of
// LOWER layers only: never a higher layer, never a sibling folder of the same layer. Files directly
// in client/ (main.tsx, vite-env.d.ts, ...) are the entry and may import anything; no layer may import
// them. To add a folder, put it in the layer it belongs to; a folder under client/ that is in no layer
// fails the `client-folder-missing-from-layer-list` rule.
const CLIENT_LAYERS = [
  // 0: HTTP client (api.ts), local storage, router, perf marks, load-once, assets,
  //    service-worker registration, file download helpers
  { layer: 'platform', folders: ['platform'] },
  // 1: shared UI primitives (Modal, notices, NumberInput, ...)
  { layer: 'ui', folders: ['ui'] },
  // 2: editor core: actions, derived board state, board context, camera, keys, fold, kinds
  { layer: 'editor', folders: ['editor'] },
  // 3: Yjs binding, connection, offline edits, presence
  { layer: 'sync', folders: ['sync'] },
  // 4: the tldraw shapes and card decorations, connectors
  { layer: 'shapes', folders: ['shapes'] },
  // 5: feature folders: each may use layers 0-4 and itself, never another feature
  {
    layer: 'feature',
    folders: ['bet', 'exports', 'facilitation', 'history', 'home', 'import', 'notes', 'panels', 'scoring'],
  },
  // 6: board composition (composes the features)
  { layer: 'board', folders: ['board'] },
  // 7: app shell (App, BoardPage, AccessDenied)
  { layer: 'app', folders: ['app'] },
]

// Folders under client/ that are not code layers: Vite's static folder (served as is, never imported).
const CLIENT_NON_LAYER_FOLDERS = ['public']

const folderRe = (folders) => `^client/(?:${folders.join('|')})/`
const slashed = (folders) => folders.map((f) => `${f}/`).join(', ')

function clientLayerRules() {
  return CLIENT_LAYERS.map(({ layer, folders }, rank) => {
    const below = CLIENT_LAYERS.slice(0, rank).reverse() // nearest layer first
    const belowFolders = below.flatMap((l) => l.folders)
    const own = folders.length === 1 ? `${folders[0]}/` : 'its own folder'
    const name =
      below.length === 0
        ? `${layer}-may-not-import-other-client-folders`
        : `${layer}-may-import-only-${folders.length > 1 ? 'itself-' : ''}${below.map((l) => (l.folders.length > 1 ? `${l.layer}s` : l.layer)).join('-')}`
    const what =
      folders.length === 1
        ? `client/${folders[0]}/ is layer ${rank} (${layer})`
        : `Each of client/{${folders.join(',')}}/ is layer ${rank} (a ${layer} folder)`
    const allowed = belowFolders.length > 0 ? `${own} and the lower layers ${slashed(belowFolders)}` : `${own} only`
    const siblings = folders.length > 1 ? ` A ${layer} folder never imports another ${layer} folder.` : ''
    return {
      name,
      severity: 'error',
      comment:
        `${what}: it may import from client/ only ${allowed}.${siblings} ` +
        `This import reaches a higher layer, a sibling, or a file directly in client/ (the entry). ` +
        `Fix: move the code both need down into the highest layer below both, or hand it in from above ` +
        `(props, callbacks, context), or move the importing file up to the layer it belongs to. ` +
        `The layer list is CLIENT_LAYERS in .dependency-cruiser.cjs.`,
      // $1 is the importing file's own folder, so it may import itself but not its siblings.
      from: { path: `^client/(${folders.join('|')})/` },
      to: {
        path: '^client/',
        pathNot: ['^client/$1/', ...(belowFolders.length > 0 ? [folderRe(belowFolders)] : [])],
      },
    }
  })
}

const ALL_CLIENT_FOLDERS = [...CLIENT_LAYERS.flatMap((l) => l.folders), ...CLIENT_NON_LAYER_FOLDERS]

// Modules whose static imports end up in the entry chunk, which must load without tldraw
// (the editor chunk is loaded with a dynamic import()).
const ENTRY_CHUNK = ['^client/(?:app|home|platform)/', '^client/main\\.tsx$', '^client/sync/BoardConnection\\.ts$']

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...clientLayerRules(),
    {
      name: 'client-folder-missing-from-layer-list',
      severity: 'error',
      comment:
        'This folder under client/ is in no layer, so nothing says what it may import. ' +
        'Add it to the layer it belongs to in CLIENT_LAYERS in .dependency-cruiser.cjs, or move its files into an existing layer folder.',
      from: { path: '^client/[^/]+/', pathNot: folderRe(ALL_CLIENT_FOLDERS) },
      to: {},
    },
    {
      name: 'shared-imports-no-client-or-server',
      severity: 'error',
      comment:
        'shared/ is pure domain code used by both client/ and server/; it must not depend on either. ' +
        'Move what shared/ needs into shared/, or pass it in as a parameter.',
      from: { path: '^shared/' },
      to: { path: '^(?:client|server)/' },
    },
    {
      name: 'shared-imports-no-node-builtins',
      severity: 'error',
      comment:
        'shared/ also runs in the browser, where Node built-in modules (node:fs, crypto, path, ...) do not exist. ' +
        'Use a web-standard API (globalThis.crypto, TextEncoder, URL, ...) or keep the Node-only code in server/.',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-imports-no-server',
      severity: 'error',
      comment:
        'client/ runs in the browser and must not import server/ code. Move what both need into shared/.',
      from: { path: '^client/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-imports-no-client',
      severity: 'error',
      comment: 'server/ must not import client/ code. Move what both need into shared/.',
      from: { path: '^server/' },
      to: { path: '^client/' },
    },
    {
      name: 'entry-chunk-imports-no-tldraw',
      severity: 'error',
      comment:
        'client/app/, client/home/, client/platform/, client/main.tsx and client/sync/BoardConnection.ts are in the ' +
        'entry chunk, which must load without tldraw. Load tldraw code with a dynamic import() (as app/BoardPage does ' +
        "for board/BoardEditor), use `import type` for types, or move this code into a layer that is only loaded with the editor.",
      from: { path: ENTRY_CHUNK },
      to: {
        // resolved into node_modules (any depth: the fixture tree resolves it from further down), or unresolved
        path: ['(?:^|/)node_modules/@tldraw/', '^@tldraw/'],
        // tldraw's stylesheet (main.tsx) is CSS, not script: it belongs to the entry's styles.
        pathNot: '\\.css$',
        // Only static value imports: `import type` is erased, and dynamic import() makes a separate chunk.
        // (A value import used only as a type counts too: write it as `import type`.)
        dynamic: false,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This import closes a cycle (the modules in the cycle are listed with it). Cycles make load order matter ' +
        'and keep modules from being split or tested alone. Break it: move what both sides need into a third ' +
        'module that both import, or invert one of the imports (pass it in as a parameter or callback).',
      from: { path: '^(?:client|shared|server)/' },
      to: { circular: true },
    },
  ],
  options: {
    // Cruise node_modules just one step: enough to know what an import resolves to.
    doNotFollow: { path: 'node_modules' },
    // Keep type-only imports in the graph (dependency type 'type-only'): the layer rules count them (a type
    // is a dependency too), the entry-chunk rule skips them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
}
