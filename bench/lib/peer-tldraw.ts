// The client benchmark's peer page (bench/peer-tldraw: the same cards in plain tldraw), built with Vite into a
// temporary directory and served on a loopback port with the cards' boxes and titles at /nodes.json.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import react from '@vitejs/plugin-react'
import { build } from 'vite'
import { makeTreeJson } from './board'
import { ROOT, tempDir } from './servers'
import { treeJsonToRecords } from '../../shared/formats/tree-json'
import type { JsonRecord } from '../../shared/model'
import type { PeerNode } from '../peer-tldraw/main'

export interface PeerServer {
  url: string
  stop(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}

/** The n cards of the board the client benchmark opens (same tree, same tidy layout). */
export function peerNodes(n: number): PeerNode[] {
  return treeJsonToRecords(makeTreeJson(n))
    .filter((r: JsonRecord) => r.typeName === 'shape')
    .map((r) => {
      const props = r.props as { w: number; h: number; title: string }
      return { x: r.x as number, y: r.y as number, w: props.w, h: props.h, title: props.title }
    })
}

export async function startPeerTldraw(n: number): Promise<PeerServer> {
  const outDir = tempDir('peer-tldraw')
  await build({
    configFile: false,
    root: path.join(ROOT, 'bench', 'peer-tldraw'),
    plugins: [react()],
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 8192 },
  })
  const nodes = JSON.stringify(peerNodes(n))
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://peer').pathname)
    if (pathname === '/nodes.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] }).end(nodes)
      return
    }
    const file = path.join(outDir, pathname === '/' ? 'index.html' : pathname)
    if (!file.startsWith(outDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      fs.rmSync(outDir, { recursive: true, force: true })
    },
  }
}
