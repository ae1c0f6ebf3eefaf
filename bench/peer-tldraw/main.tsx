// The client benchmark's peer: the same n cards in plain tldraw (the version the board ships), with no sync,
// no app and no custom shapes. It fetches the cards' boxes and titles (/nodes.json, from the same shared/
// layout as the board), fills a store with tldraw's own rectangles (labelled with the titles, or empty with
// ?labels=0 for the bare cost of n shapes), mounts <Tldraw>, zooms to fit as the board does, and exposes
// window.editor; bench/client.ts times it exactly as it times the board.
import { GeoShapeUtil, Tldraw, createShapeId, createTLStore, getIndices, toRichText } from '@tldraw/tldraw'
import type { Editor, TLRecord } from '@tldraw/tldraw'
import '@tldraw/tldraw/tldraw.css'
import { createRoot } from 'react-dom/client'

export interface PeerNode {
  x: number
  y: number
  w: number
  h: number
  title: string
}

declare global {
  interface Window {
    editor?: Editor
  }
}

async function main() {
  const labels = new URLSearchParams(location.search).get('labels') !== '0'
  const nodes = (await (await fetch('/nodes.json')).json()) as PeerNode[]
  const store = createTLStore()
  const defaults = new GeoShapeUtil(null as never).getDefaultProps()
  const indices = getIndices(nodes.length)
  const pageId = 'page:page'
  store.put([
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: pageId, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
    ...nodes.map((n, i) => ({
      id: createShapeId(`n${i}`),
      typeName: 'shape',
      type: 'geo',
      x: n.x,
      y: n.y,
      rotation: 0,
      index: indices[i],
      parentId: pageId,
      isLocked: false,
      opacity: 1,
      meta: {},
      props: { ...defaults, geo: 'rectangle', w: n.w, h: n.h, size: 's', richText: toRichText(labels ? n.title : '') },
    })),
  ] as unknown as TLRecord[])
  createRoot(document.getElementById('root')!).render(
    <div style={{ position: 'fixed', inset: 0 }}>
      <Tldraw
        store={store}
        onMount={(editor) => {
          editor.zoomToFit()
          window.editor = editor
        }}
      />
    </div>,
  )
}

void main()
