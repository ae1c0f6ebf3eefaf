// Import into this board (the form is in ImportForm.tsx). The form and the parsers behind it (Tree JSON's
// validator and its schema library, zod: about 100 kB of the editor's script) load the first time the dialog
// opens, not with every board.

import { useValue } from '@tldraw/tldraw'
import type { Editor } from '@tldraw/tldraw'
import { useEffect, useState } from 'react'
import { loadOnce } from '../platform/load-once'
import { showNotice } from '../ui/notice'
import { importOpen } from './state'

type ImportFormComponent = (typeof import('./ImportForm'))['ImportForm']

const loadForm = loadOnce(() => import('./ImportForm'))

export function ImportDialog({ editor }: { editor: Editor }) {
  const open = useValue('import open', () => importOpen.get(), [])
  const [Form, setForm] = useState<ImportFormComponent | null>(null)
  // A closed board leaves no dialog open for the next one.
  useEffect(
    () => () => {
      importOpen.set(false)
    },
    [],
  )
  useEffect(() => {
    if (!open || Form) return
    let cancelled = false
    loadForm().then(
      (m) => {
        if (!cancelled) setForm(() => m.ImportForm)
      },
      () => {
        if (cancelled) return
        importOpen.set(false)
        showNotice('The importer did not load. Check your connection, then try again.', 'warn')
      },
    )
    return () => {
      cancelled = true
    }
  }, [open, Form])
  if (!open || !Form) return null
  return <Form editor={editor} />
}
