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

export default defineConfig({
  root,
  publicDir: resolve(root, 'public'),
  plugins: [react(), precacheManifest()],
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
