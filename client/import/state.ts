// Whether the import dialog is open: set by the board's More menu, read by the dialog.

import { atom } from '@tldraw/tldraw'

export const importOpen = atom('import dialog', false)
