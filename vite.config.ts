import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const root = resolve(import.meta.dirname, 'client')
const outDir = resolve(import.meta.dirname, 'dist/client')
const serverTarget = process.env.DEV_SERVER_URL ?? 'http://127.0.0.1:8787'

function builtFiles(dir: string): string[] {
  const files: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else files.push(path)
    }
  }
  walk(dir)
  return files
}

/** After a build, writes a .br and a .gz beside every script, stylesheet, JSON and SVG file over 1 KiB, which
 *  the server sends to browsers that accept them (server/routes/static.ts): the editor's 1.9 MB of script
 *  travel as about 0.5 MB. Compressed once here at the highest levels, never per request. */
function precompress(): Plugin {
  return {
    name: 'outcome-board-precompress',
    apply: 'build',
    closeBundle: {
      order: 'pre',
      handler() {
        for (const path of builtFiles(outDir)) {
          if (!/\.(js|css|json|svg)$/.test(path) || statSync(path).size < 1024) continue
          const data = readFileSync(path)
          writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } }))
          writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
        }
      },
    },
  }
}

/** After a build, lists every emitted file in dist/client/precache.json so the service worker can cache the
 *  whole app shell (scripts, styles, fonts, icons, translations) and a reload works offline. */
function precacheManifest(): Plugin {
  return {
    name: 'outcome-board-precache',
    apply: 'build',
    closeBundle() {
      const files = builtFiles(outDir).map((path) => '/' + relative(outDir, path).split('\\').join('/'))
      // The compressed twins are the same files to the browser, which never asks for them by name.
      const keep = files.filter((f) => f !== '/precache.json' && f !== '/sw.js' && !/\.(map|br|gz)$/.test(f))
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
  plugins: [react(), preloadEditorOnBoardPages(), precompress(), precacheManifest()],
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
