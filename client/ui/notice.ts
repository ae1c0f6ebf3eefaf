// The one-line notice the board shows at the bottom (ui/NoticeToast.tsx). A signal, so code outside React
// (shape utils, the sync binding, HTTP callbacks) can say something to the person.

import { atom } from '@tldraw/tldraw'
import type { Atom } from '@tldraw/tldraw'

export interface Notice {
  id: number
  tone: 'info' | 'warn' | 'error'
  text: string
}

export const notice: Atom<Notice | null> = atom('notice', null as Notice | null)
let noticeSeq = 0
let noticeTimer: ReturnType<typeof setTimeout> | null = null

export function showNotice(text: string, tone: Notice['tone'] = 'info', ms = 4500) {
  const id = ++noticeSeq
  notice.set({ id, tone, text })
  if (noticeTimer) clearTimeout(noticeTimer)
  noticeTimer = setTimeout(() => {
    if (notice.get()?.id === id) notice.set(null)
  }, ms)
}
