// Which bet surface is open: the lock dialog (for which solution) and the bet or decisions drawer. Local UI
// state in tldraw signals, so a card deep inside the canvas can open them.

import { atom } from '@tldraw/tldraw'

/** The solution the lock dialog previews (null when closed). */
export const lockDialogFor = atom<string | null>('lock dialog', null)
export type Drawer = 'bet' | 'decisions' | null
export const openDrawer = atom<Drawer>('bet drawer', null)
