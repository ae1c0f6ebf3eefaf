import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const root = resolve(import.meta.dirname, 'client')
const outDir = resolve(import.meta.dirname, 'dist/client')
const serverTarget = process.env.DEV_SERVER_URL ?? 'http://127.0.0.1:8787'

/** After a build, lists every emitted file in dist/client/precache.json so the service worker can cache the
 *  whole app shell (scripts, styles, fonts, icons, translations) and a reload works offline. */
function precacheManifest(): Plugin {
  return {
    name: 'outcome-board-precache',
    apply: 'build',
    closeBundle() {
      const files: string[] = []
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name)
          if (statSync(path).isDirectory()) walk(path)
          else files.push('/' + relative(outDir, path).split('\\').join('/'))
        }
      }
      walk(outDir)
      const keep = files.filter((f) => f !== '/precache.json' && f !== '/sw.js' && !f.endsWith('.map'))
      writeFileSync(join(outDir, 'precache.json'), JSON.stringify({ version: Date.now(), files: keep }))
    },
  }
}

/** On a board's page (/b/…) the editor's chunk (tldraw: most of the app's bytes) is wanted at once: the page
 *  asks for it while the entry script is still loading, instead of after the entry has run. The home page
 *  doesn't ask for it up front (its service worker caches it in the background for later). */
function preloadEditorOnBoardPages(): Plugin {
  return {
    name: 'outcome-board-preload-editor',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isDynamicEntry && c.facadeModuleId?.endsWith('/board/BoardEditor.tsx'),
        )
        if (!chunk) return
        const href = JSON.stringify('/' + chunk.fileName)
        return [
          {
            tag: 'script',
            // First in <head>: an inline script placed after the stylesheet would wait for it to load.
            injectTo: 'head-prepend',
            children:
              `if (location.pathname.startsWith('/b/')) { const l = document.createElement('link'); ` +
              `l.rel = 'modulepreload'; l.href = ${href}; document.head.appendChild(l) }`,
          },
        ]
      },
    },
  }
}

export default defineConfig({
  root,
  publicDir: resolve(root, 'public'),
  plugins: [react(), preloadEditorOnBoardPages(), precacheManifest()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: serverTarget, changeOrigin: false },
      '/ws': { target: serverTarget, ws: true, changeOrigin: false },
      '/healthz': { target: serverTarget },
    },
  },
})
