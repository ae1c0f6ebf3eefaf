// tldraw's fonts, icons and translations, bundled by Vite from @tldraw/assets and served by our own server:
// the board never asks a CDN for anything.
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'

export const assetUrls = getAssetUrlsByImport()
